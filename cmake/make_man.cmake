# Writes the man page OUT for the CLI EXE with HELP2MAN: the top-level --help and --version, one
# COMMANDS subsection per subcommand from its own --help, and the exit status. Run by man.cmake
# (cmake -P), so the page always says what the binary does.
execute_process(COMMAND ${EXE} --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} --help failed")
endif()
string(REGEX MATCH "Subcommands:\n.*" listing "${top}")
string(REGEX MATCHALL "\n  [a-z]+ " names "${listing}")
set(include "[COMMANDS]\n")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  execute_process(COMMAND ${EXE} ${name} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${EXE} ${name} --help failed")
  endif()
  string(REPLACE "${EXE}" "protoharness" help "${help}")  # CLI11 prints argv[0]
  # roff: a backslash is \e; a line starting with . or ' would be a request.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
  string(APPEND include ".SS ${name}\n.nf\n${help}.fi\n")
endforeach()
string(APPEND include "[EXIT STATUS]\n.TP\n0\nEvery scenario passed (WARN allowed unless --strict).\n"
                      ".TP\n1\nA FAIL or ERROR (compare: something got worse).\n"
                      ".TP\n2\nA usage or setup error (a missing path, a report that cannot be read).\n")
file(WRITE ${OUT}.include "${include}")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr
                        "--name=protocol conformance test harness for network clients"
                        --include=${OUT}.include --output=${OUT} ${EXE}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed for ${EXE}")
endif()
