# protoharness.1, generated from the CLI itself (make_man.cmake) and installed to man1. Part of
# the full build, not of the main job's `ninja protoharness`.
find_program(PH_HELP2MAN help2man)
if(PH_HELP2MAN)
  set(ph_man ${PROJECT_BINARY_DIR}/protoharness.1)
  add_custom_command(
    OUTPUT ${ph_man}
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:protoharness> -DHELP2MAN=${PH_HELP2MAN}
            -DOUT=${ph_man} -P ${PROJECT_SOURCE_DIR}/cmake/make_man.cmake
    DEPENDS protoharness ${PROJECT_SOURCE_DIR}/cmake/make_man.cmake
    COMMENT "Writing the man page protoharness.1")
  add_custom_target(man ALL DEPENDS ${ph_man})
  install(FILES ${ph_man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man page (scripts/install-deps.sh installs it)")
endif()
