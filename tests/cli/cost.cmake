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
# `pinas cost --batch -`: one JSON line per candidate from stdin, a bad line
# answered with an error line and the batch going on.
add_test(NAME cli_cost_batch_stdin
         COMMAND sh -c "printf '%s\\n' 'nb201:|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|skip_connect~2|' 'moonshot:x' 'nb201 { edges: [NB201_NOR_CONV_3X3, NB201_SKIP_CONNECT, NB201_NOR_CONV_1X1, NB201_NONE, NB201_AVG_POOL_3X3, NB201_SKIP_CONNECT] }' | \"$0\" cost --batch -; echo status=$?" $<TARGET_FILE:pinas>)
set_tests_properties(cli_cost_batch_stdin PROPERTIES TIMEOUT 30 PASS_REGULAR_EXPRESSION
  "^{\"candidate\":\"nb201:[^\n]*\"line\":1,[^\n]*\"relus\":[0-9]+[^\n]*}\n{\"error\":\"[^\n]+\",\"input\":\"moonshot:x\",\"line\":2}\n{\"candidate\":\"nb201:[^\n]*\"line\":3,[^\n]*}\nstatus=0\n$")
# The network model on a real shaped link: serve and infer in two network
# namespaces with tc netem at two rate/delay settings, measured against the
# predicted offline + online seconds. Skipped (with the reason) where
# namespaces or netem cannot be set up.
add_test(NAME cli_cost_netem_validation
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/netem_validation.sh $<TARGET_FILE:pinas>)
set_tests_properties(cli_cost_netem_validation PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE SKIP_RETURN_CODE 77)
# Through the CLI: `pinas cost --model pi` counts the bytes and rounds that
# `pinas infer` reports for a real session with `pinas serve`, per linear backend.
foreach(linear he ot)
  add_test(NAME cli_cost_matches_infer_${linear}
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cost_matches_infer.sh $<TARGET_FILE:pinas> ${linear})
  set_tests_properties(cli_cost_matches_infer_${linear} PROPERTIES TIMEOUT 300
    PASS_REGULAR_EXPRESSION "^offline_bytes [0-9]+; online_bytes [0-9]+; rounds [0-9]+\n$")
endforeach()
