# End-to-end tests of `pinas bench ot` (the OT layer over loopback TCP).
add_test(NAME cli_bench_ot_json
         COMMAND $<TARGET_FILE:pinas> bench ot --json --count 100000 --repetitions 1)
set_tests_properties(cli_bench_ot_json PROPERTIES
  TIMEOUT 120
  PASS_REGULAR_EXPRESSION "\"base_ot_ms\": [0-9.e+-]+,.*\"cot_per_s\": [0-9.e+-]+,.*\"ot_per_s\": [0-9.e+-]+,")
pinas_cli_error_test(cli_bench_ot_bad_count "bench ot: --count must be between 1 and 134217728, got 0"
                     bench ot --count 0)
