# `cmake --install` and `cpack -G DEB`: the CLI, the client library with its headers and CMake
# package (find_package(protoharness CONFIG)), the scenario corpus and the test CA.
include(CMakePackageConfigHelpers)

set(PH_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/protoharness)
set(PH_INSTALL_SCENARIOSDIR ${CMAKE_INSTALL_DATADIR}/protoharness/scenarios)
set(PH_INSTALL_CADIR ${CMAKE_INSTALL_DATADIR}/protoharness/ca)

set_target_properties(protoharness PROPERTIES EXPORT_NAME protoharness)
set_target_properties(ph_clients PROPERTIES EXPORT_NAME clients)
set_target_properties(ph_asio PROPERTIES EXPORT_NAME asio)
# A sanitized build's archives need the sanitizer runtimes wherever they are linked.
if(PH_SANITIZE)
  target_link_options(ph_clients INTERFACE $<INSTALL_INTERFACE:-fsanitize=address,undefined>)
endif()

install(TARGETS protoharness ph_clients ph_asio EXPORT protoharness-targets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# detail/ is private to the library's sources (it includes Asio).
install(DIRECTORY clients/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/protoharness/clients
        FILES_MATCHING PATTERN "*.hpp" PATTERN detail EXCLUDE)
install(DIRECTORY scenarios/ DESTINATION ${PH_INSTALL_SCENARIOSDIR})
# The CA only: the server keys are compiled into the binary, a client under test needs the CA.
install(FILES fakeservers/certs/ca.pem DESTINATION ${PH_INSTALL_CADIR})

install(EXPORT protoharness-targets NAMESPACE protoharness:: DESTINATION ${PH_INSTALL_CMAKEDIR})
configure_package_config_file(cmake/protoharness-config.cmake.in
                              ${PROJECT_BINARY_DIR}/protoharness-config.cmake
                              INSTALL_DESTINATION ${PH_INSTALL_CMAKEDIR}
                              PATH_VARS PH_INSTALL_SCENARIOSDIR PH_INSTALL_CADIR)
# 0.x: a minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/protoharness-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/protoharness-config.cmake
              ${PROJECT_BINARY_DIR}/protoharness-config-version.cmake
              cmake/protoharness-scenarios.cmake
        DESTINATION ${PH_INSTALL_CMAKEDIR})

# Debian package: `cpack -G DEB` in the build folder. Depends comes from dpkg-shlibdeps
# (dpkg-dev); the -dev packages are what find_package(protoharness) needs to link the clients.
set(CPACK_PACKAGE_NAME protoharness)
set(CPACK_PACKAGE_VENDOR protoharness)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Protocol conformance test harness for SMTP, POP3, FTP, NNTP and HTTP/1.1 clients")
set(CPACK_PACKAGE_CONTACT "protoharness maintainers <protoharness@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libssl-dev, libfmt-dev")
include(CPack)
