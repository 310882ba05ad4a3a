# `pinas cost`: the ReLU-count model agrees with the IR's accounting, and the
# calibrated model refuses to run without a calibration.
add_test(NAME cli_cost_relu_cnet1 COMMAND pinas cost cryptonas-cnet1 --json)
set_tests_properties(cli_cost_relu_cnet1 PROPERTIES
  PASS_REGULAR_EXPRESSION "\"cost\": 86016(\\.0)?,.*\"model\": \"relu-count\"|\"model\": \"relu-count\".*\"relus\": 86016")
# Refused with the reason and exit status 2 (not merely "failed": a crash fails too).
add_test(NAME cli_cost_pi_needs_calibration
         COMMAND sh -c "\"$0\" cost cryptonas-cnet1 --model pi 2>&1; echo status=$?" $<TARGET_FILE:pinas>)
set_tests_properties(cli_cost_pi_needs_calibration PROPERTIES TIMEOUT 30 PASS_REGULAR_EXPRESSION
  "^pinas: error: --model pi needs --calibration FILE [^\n]*\nstatus=2\n$")
