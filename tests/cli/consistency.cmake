# CLI consistency (issue 13): options that do not apply are refused, flag names
# are the same everywhere, and every refusal is one "pinas: error:" line on
# stderr with exit status 2 (each test checks both).
# (pinas_cli_error_test: tests/cli/CMakeLists.txt).

pinas_cli_error_test(cli_cost_relu_refuses_network "--network applies to --model pi only"
                     cost cryptonas-cnet1 --model relu --network lan)
pinas_cli_error_test(cli_cost_relu_refuses_calibration "--calibration applies to --model pi only"
                     cost cryptonas-cnet1 --calibration some.calibration)

# A bare `pinas` prints the usage (on stdout), then the one error line.
add_test(NAME cli_no_arguments_prints_usage COMMAND sh -c "\"$0\" 2>&1; echo status=$?" $<TARGET_FILE:pinas>)
set_tests_properties(cli_no_arguments_prints_usage PROPERTIES TIMEOUT 30 PASS_REGULAR_EXPRESSION
  "^pinas: neural architecture search for private inference\n.*Usage: [^\n]*pinas[^\n]*SUBCOMMAND.*dashboard.*search.*\npinas: error: a command is required[^\n]*\nstatus=2\n$")

# bench relu takes the fixed-point options' names: --ring-bits, --fractional-bits, --circa K.
pinas_cli_error_test(cli_bench_relu_refuses_the_old_fractional_name "The following arguments were not expected: [^\n]*--fractional"
                     bench relu --ring-bits 32 --fractional 3 --count 16)
pinas_cli_error_test(cli_bench_relu_refuses_fractional_bits_with_circa
                     "bench relu: --fractional-bits applies to the exact ReLU, not --circa"
                     bench relu --ring-bits 32 --circa 8 --fractional-bits 4 --count 16)
pinas_cli_error_test(cli_bench_relu_refuses_a_negative_circa "--circa[^\n]*"
                     bench relu --ring-bits 32 --circa=-1 --count 16)
pinas_cli_error_test(cli_bench_relu_refuses_a_narrow_ring "bench relu: --ring-bits must be 8..64, got 4"
                     bench relu --ring-bits 4 --count 16)
# --circa means Circa dropping K bits wherever it appears: a negative K is refused, not "exact".
pinas_cli_error_test(cli_serve_refuses_a_negative_circa "--circa[^\n]*" serve model.pb --circa=-3)

# calibrate --circa K is Circa dropping K bits, K = 0 included (it used to mean "exact"):
# the calibration records Circa with k = 0, and `cost` reports it so.
pinas_cli_error_test(cli_calibrate_refuses_a_negative_circa "--circa[^\n]*" calibrate --circa=-1 --probes 1)
add_test(NAME cli_calibrate_circa_zero_is_circa
         COMMAND sh -c "\"$0\" calibrate --circa 0 --probes 1 --size 4 --linear ot --out \"$1\" > /dev/null 2>&1 && \
grep -c 'circa_relu: true' \"$1\" && \"$0\" cost cryptonas-cnet1 --model pi --calibration \"$1\" --json > /dev/null && \
\"$0\" cost cryptonas-cnet1 --model pi --calibration \"$1\" | grep -o 'Circa k=0'"
                 $<TARGET_FILE:pinas> ${PROJECT_BINARY_DIR}/circa_zero.calibration)
set_tests_properties(cli_calibrate_circa_zero_is_circa PROPERTIES TIMEOUT 300
                     PASS_REGULAR_EXPRESSION "^1\nCirca k=0\n$")

# calibrate --observations writes every measurement the fit used: garbled
# batches with their step, linear layers and one session per probe (4 spaces).
add_test(NAME cli_calibrate_writes_its_observations
         COMMAND sh -c "\"$0\" calibrate --probes 1 --probe-repeats 2 --size 4 --linear ot --observations \"$1\" > /dev/null 2>&1 && \
grep -c '\"other_online_s\"' \"$1\""
                 $<TARGET_FILE:pinas> ${PROJECT_BINARY_DIR}/calibrate_observations.json)
# One session per run of each probe: 4 spaces x 1 probe x 2 runs.
set_tests_properties(cli_calibrate_writes_its_observations PROPERTIES TIMEOUT 300
                     PASS_REGULAR_EXPRESSION "^8\n$")
pinas_cli_error_test(cli_calibrate_refuses_zero_repeats "--repeats[^\n]*" calibrate --validate --repeats 0)
pinas_cli_error_test(cli_calibrate_refuses_zero_probe_repeats "--probe-repeats[^\n]*" calibrate --probe-repeats 0)

# eval: the fixed-point options need --fixed-point (the float path has no ring or Circa).
pinas_cli_error_test(cli_eval_circa_needs_fixed_point "--circa requires --fixed-point" eval model.pb --circa 8)
pinas_cli_error_test(cli_eval_ring_bits_need_fixed_point "--ring-bits requires --fixed-point"
                     eval model.pb --ring-bits 32)

# train refuses a negative thread count (0, the default, is every core).
pinas_cli_error_test(cli_train_refuses_negative_threads "--threads[^\n]*" train cryptonas-fmnist --threads=-2)

# export-best: a ReLU or a predicted-latency budget, one of them.
set(CONSISTENCY_WORK ${PROJECT_BINARY_DIR}/nas_cli_tests)
pinas_cli_error_test(cli_export_best_needs_a_budget "export-best: give --budget RELUS or --max-latency SECONDS"
                     export-best ${CONSISTENCY_WORK}/synthetic --out ${CONSISTENCY_WORK}/best.pb)
set_tests_properties(cli_export_best_needs_a_budget PROPERTIES FIXTURES_REQUIRED nas_synthetic)
pinas_cli_error_test(cli_export_best_budget_excludes_latency "--budget excludes --max-latency"
                     export-best ${CONSISTENCY_WORK}/synthetic --budget 5000 --max-latency 1 --out ${CONSISTENCY_WORK}/best.pb)
set_tests_properties(cli_export_best_budget_excludes_latency PROPERTIES FIXTURES_REQUIRED nas_synthetic)
pinas_cli_error_test(cli_export_best_latency_needs_a_latency_experiment
                     "export-best --max-latency: [^\n]*synthetic is a ReLU-budgeted experiment"
                     export-best ${CONSISTENCY_WORK}/synthetic --max-latency 1 --out ${CONSISTENCY_WORK}/best.pb)
set_tests_properties(cli_export_best_latency_needs_a_latency_experiment PROPERTIES FIXTURES_REQUIRED nas_synthetic)
# The latency search trains synthetically (no model files): selection by
# predicted seconds finds no exportable trial and says so in seconds.
pinas_cli_error_test(cli_export_best_by_latency
                     "[^\n]*latency: no complete trial with a model file within 2.5 s predicted"
                     export-best ${CONSISTENCY_WORK}/latency --max-latency 2.5 --out ${CONSISTENCY_WORK}/best.pb)
set_tests_properties(cli_export_best_by_latency PROPERTIES FIXTURES_REQUIRED nas_latency)

# ... and, on a latency search that trained real models, selects by predicted
# seconds and writes the model (--json names the trial, its latency and file).
if(EXISTS /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz)
  add_test(NAME cli_export_best_by_latency_writes_the_model
           COMMAND sh -c "rm -rf \"$1\" && \"$0\" search --config tests/nas/cli/latency_training.textproto --out \"$1\" \
> /dev/null 2>&1 && \"$0\" export-best \"$1\" --max-latency 1.0 --out \"$1/best.pb\" --json && \
\"$0\" inspect \"$1/best.pb\" --totals"
                   $<TARGET_FILE:pinas> ${CONSISTENCY_WORK}/latency_training
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli_export_best_by_latency_writes_the_model PROPERTIES TIMEOUT 900
                       PASS_REGULAR_EXPRESSION "\"latency_s\": [0-9.e-]+.*relus=[1-9][0-9]*")
else()
  pinas_skipped_test(cli_export_best_by_latency_writes_the_model "Debian's dataset-fashion-mnist is not installed")
endif()

# search --json: progress on stderr, one JSON document on stdout.
add_test(NAME cli_search_json
         COMMAND sh -c "rm -rf \"$1\" && \"$0\" search --config \"$2\" --out \"$1\" --json 2>/dev/null"
                 $<TARGET_FILE:pinas> ${CONSISTENCY_WORK}/search_json ${PROJECT_SOURCE_DIR}/tests/nas/cli/synthetic.textproto)
set_tests_properties(cli_search_json PROPERTIES TIMEOUT 120 PASS_REGULAR_EXPRESSION
  "^{\n  \"best\": {\n[^{]*\"trial\": [0-9]+,[^{]*},\n  \"folder\": \"[^\n]*search_json\",\n  \"front\": \\[\n    {\n.*\"max_trials\": 40,\n  \"name\": \"cli-synthetic\",\n  \"reduced\": \\[\\],\n  \"trained\": 40,\n  \"trials\": [0-9]+\n}\n$")

# The README's CLI table lists every command and every bench/pi/gc subcommand.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME cli_readme_lists_every_command
           COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/cli/readme_lists_every_command.py
                   $<TARGET_FILE:pinas> ${PROJECT_SOURCE_DIR}/README.md)
  set_tests_properties(cli_readme_lists_every_command PROPERTIES TIMEOUT 60 PASS_REGULAR_EXPRESSION "^OK: ")
else()
  pinas_skipped_test(cli_readme_lists_every_command "needs Python 3")
endif()
