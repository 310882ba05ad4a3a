# End-to-end tests of the ENAS weight-sharing search (strategy { kind: ENAS },
# issue 11) on a Fashion-MNIST subset: the search itself, and resume after
# SIGKILL at random moments. Both need the dataset and Python.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND AND EXISTS /usr/share/datasets/fashion-mnist)
  set(ENAS_CLI_CONFIG ${PROJECT_SOURCE_DIR}/tests/nas/cli/enas_fashion_mnist.textproto)
  set(ENAS_CLI_SCRIPT ${PROJECT_SOURCE_DIR}/tests/nas/cli/weight_sharing_search_check.py)
  add_test(NAME cli.enas.search
           COMMAND ${Python3_EXECUTABLE} ${ENAS_CLI_SCRIPT} $<TARGET_FILE:pinas> ${ENAS_CLI_CONFIG}
                   ${PROJECT_BINARY_DIR}/enas_cli_tests search)
  set_tests_properties(cli.enas.search PROPERTIES TIMEOUT 300 PASS_REGULAR_EXPRESSION "OK: [0-9]+ supernet epochs")
  add_test(NAME cli.enas.resume_after_sigkill
           COMMAND ${Python3_EXECUTABLE} ${ENAS_CLI_SCRIPT} $<TARGET_FILE:pinas> ${ENAS_CLI_CONFIG}
                   ${PROJECT_BINARY_DIR}/enas_cli_tests resume 4 1)
  set_tests_properties(cli.enas.resume_after_sigkill PROPERTIES TIMEOUT 600
                       PASS_REGULAR_EXPRESSION "OK: [0-9]+ kills")
else()
  foreach(name cli.enas.search cli.enas.resume_after_sigkill)
    pinas_skipped_test(${name} "needs Python 3 and /usr/share/datasets/fashion-mnist")
  endforeach()
endif()
