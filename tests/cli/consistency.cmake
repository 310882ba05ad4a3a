# CLI consistency (issue 13): options that do not apply are refused, flag names
# are the same everywhere, and every refusal is one "pinas: error:" line on
# stderr with exit status 2 (each test checks both).
function(pinas_cli_error_test name regex)
  add_test(NAME ${name} COMMAND sh -c "\"$0\" \"$@\" 2>&1; echo status=$?" $<TARGET_FILE:pinas> ${ARGN})
  set_tests_properties(${name} PROPERTIES TIMEOUT 60 PASS_REGULAR_EXPRESSION "^pinas: error: ${regex}[^\n]*\nstatus=2\n$")
endfunction()

pinas_cli_error_test(cli_cost_relu_refuses_network "--network applies to --model pi only"
                     cost cryptonas-cnet1 --model relu --network lan)
pinas_cli_error_test(cli_cost_relu_refuses_calibration "--calibration applies to --model pi only"
                     cost cryptonas-cnet1 --calibration some.calibration)
