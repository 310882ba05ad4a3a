# End-to-end tests of the DARTS weight-sharing search (strategy { kind:
# DARTS }, issue 11) on a Fashion-MNIST subset: the search itself, and resume
# after SIGKILL at random moments. Both need the dataset and Python.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND AND EXISTS /usr/share/datasets/fashion-mnist)
  set(DARTS_CLI_CONFIG ${PROJECT_SOURCE_DIR}/tests/nas/cli/darts_fashion_mnist.textproto)
  set(DARTS_CLI_SCRIPT ${PROJECT_SOURCE_DIR}/tests/nas/cli/weight_sharing_search_check.py)
  add_test(NAME cli.darts.search
           COMMAND ${Python3_EXECUTABLE} ${DARTS_CLI_SCRIPT} $<TARGET_FILE:pinas> ${DARTS_CLI_CONFIG}
                   ${PROJECT_BINARY_DIR}/darts_cli_tests search)
  set_tests_properties(cli.darts.search PROPERTIES TIMEOUT 300 PASS_REGULAR_EXPRESSION "OK: [0-9]+ supernet epochs")
  add_test(NAME cli.darts.resume_after_sigkill
           COMMAND ${Python3_EXECUTABLE} ${DARTS_CLI_SCRIPT} $<TARGET_FILE:pinas> ${DARTS_CLI_CONFIG}
                   ${PROJECT_BINARY_DIR}/darts_cli_tests resume 4 1)
  set_tests_properties(cli.darts.resume_after_sigkill PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE
                       PASS_REGULAR_EXPRESSION "OK: [0-9]+ kills")
else()
  foreach(name cli.darts.search cli.darts.resume_after_sigkill)
    pinas_skipped_test(${name} "needs Python 3 and /usr/share/datasets/fashion-mnist")
  endforeach()
endif()
