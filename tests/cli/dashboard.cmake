# `pinas dashboard` in a real browser: headless Chromium (Debian's chromium),
# driven over the DevTools protocol by tests/cli/dashboard/chromium_check.py,
# loads the page of a live dashboard before a small search starts and checks
# that its front grows as trials complete, its elements against the store,
# sorting and filtering, and the static `pinas report` of the same folder;
# it saves a screenshot (build/dashboard_chromium/dashboard.png; the README's
# docs/dashboard.png is one). Skipped (exit 77) where Chromium is absent.
find_package(Python3 COMPONENTS Interpreter)
set(DASHBOARD_CLI_WORK ${PROJECT_BINARY_DIR}/dashboard_chromium)
if(Python3_Interpreter_FOUND)
  add_test(NAME cli.dashboard.chromium
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/cli/dashboard/chromium_check.py
                   $<TARGET_FILE:pinas> ${PROJECT_SOURCE_DIR}/tests/cli/dashboard/search.textproto
                   ${DASHBOARD_CLI_WORK}/run ${DASHBOARD_CLI_WORK}/dashboard.png)
  set_tests_properties(cli.dashboard.chromium PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77
    PASS_REGULAR_EXPRESSION "OK: the front grew from 0 to [1-9][0-9]* points in one page session")
else()
  pinas_skipped_test(cli.dashboard.chromium "needs Python 3 to drive Chromium")
endif()

# The static report of a finished search: one file, the data inlined.
set(NAS_CLI_WORK ${PROJECT_BINARY_DIR}/nas_cli_tests)
add_test(NAME cli.dashboard.report
         COMMAND $<TARGET_FILE:pinas> report ${NAS_CLI_WORK}/synthetic --out ${NAS_CLI_WORK}/synthetic/report.html)
set_tests_properties(cli.dashboard.report PROPERTIES FIXTURES_REQUIRED nas_synthetic
  PASS_REGULAR_EXPRESSION "wrote the report of .*synthetic \\([0-9]+ trials, [0-9]+ KB\\) to .*report.html")
add_test(NAME cli.dashboard.refuses_a_missing_folder
         COMMAND sh -c "\"$0\" dashboard \"$1\" --port 0 2>&1; echo status=$?" $<TARGET_FILE:pinas> ${NAS_CLI_WORK}/no_such_folder)
set_tests_properties(cli.dashboard.refuses_a_missing_folder PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "^pinas: error: [^\n]*no_such_folder: no such experiment folder\nstatus=2\n$")
add_test(NAME cli.dashboard.refuses_a_bad_port
         COMMAND sh -c "\"$0\" dashboard . --port 70000 2>&1; echo status=$?" $<TARGET_FILE:pinas>)
set_tests_properties(cli.dashboard.refuses_a_bad_port PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "^pinas: error: dashboard --port: '70000' is not a TCP port[^\n]*\nstatus=2\n$")
add_test(NAME cli.dashboard.report_refuses_bad_references
         COMMAND sh -c "\"$0\" report . --out /dev/null --references \"$1\" 2>&1; echo status=$?" $<TARGET_FILE:pinas>
                 ${PROJECT_SOURCE_DIR}/tests/cli/dashboard/search.textproto)
set_tests_properties(cli.dashboard.report_refuses_bad_references PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION "^pinas: error: [^\n]*search.textproto: not JSON[^\n]*\nstatus=2\n$")
