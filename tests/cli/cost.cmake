# `pinas cost`: the ReLU-count model agrees with the IR's accounting, and the
# calibrated model refuses to run without a calibration.
add_test(NAME cli_cost_relu_cnet1 COMMAND pinas cost cryptonas-cnet1 --json)
set_tests_properties(cli_cost_relu_cnet1 PROPERTIES
  PASS_REGULAR_EXPRESSION "\"cost\": 86016(\\.0)?,.*\"model\": \"relu-count\"|\"model\": \"relu-count\".*\"relus\": 86016")
add_test(NAME cli_cost_pi_needs_calibration COMMAND pinas cost cryptonas-cnet1 --model pi)
set_tests_properties(cli_cost_pi_needs_calibration PROPERTIES WILL_FAIL TRUE)
