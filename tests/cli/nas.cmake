# End-to-end tests of `pinas search` and its results commands (the search
# controller, nas/). Inputs live in tests/nas/cli/; every test writes under
# the build tree's nas_cli_tests/ folder.
set(NAS_CLI_INPUTS ${PROJECT_SOURCE_DIR}/tests/nas/cli)
set(NAS_CLI_WORK ${PROJECT_BINARY_DIR}/nas_cli_tests)
find_package(Python3 COMPONENTS Interpreter)

# An invalid config is refused with the file, line and column (syntax) ...
add_test(NAME cli.nas.search_refuses_bad_syntax
         COMMAND sh -c "\"$0\" \"$@\" 2>&1; echo status=$?" $<TARGET_FILE:pinas> search --config ${NAS_CLI_INPUTS}/bad_syntax.textproto --out ${NAS_CLI_WORK}/bad_syntax)
set_tests_properties(cli.nas.search_refuses_bad_syntax PROPERTIES
  PASS_REGULAR_EXPRESSION "^pinas: error: [^\n]*bad_syntax.textproto:[0-9]+:[0-9]+: [^\n]*\nstatus=2\n$")
# ... or with the field (semantics).
add_test(NAME cli.nas.search_refuses_bad_budget
         COMMAND sh -c "\"$0\" \"$@\" 2>&1; echo status=$?" $<TARGET_FILE:pinas> search --config ${NAS_CLI_INPUTS}/bad_budget.textproto --out ${NAS_CLI_WORK}/bad_budget)
set_tests_properties(cli.nas.search_refuses_bad_budget PROPERTIES
  PASS_REGULAR_EXPRESSION "^pinas: error: [^\n]*field objective.budget.max_relus: must be positive[^\n]*\nstatus=2\n$")
add_test(NAME cli.nas.status_refuses_a_folder_without_store
         COMMAND sh -c "\"$0\" \"$@\" 2>&1; echo status=$?" $<TARGET_FILE:pinas> status ${NAS_CLI_WORK}/no_such_experiment)
set_tests_properties(cli.nas.status_refuses_a_folder_without_store PROPERTIES
  PASS_REGULAR_EXPRESSION "^pinas: error: trial store [^\n]*trials.db does not exist[^\n]*\nstatus=2\n$")

# A synthetic search, then every results command on its folder.
add_test(NAME cli.nas.synthetic_search
         COMMAND /bin/sh -c "rm -rf '${NAS_CLI_WORK}/synthetic' && exec '$<TARGET_FILE:pinas>' search --config '${NAS_CLI_INPUTS}/synthetic.textproto' --out '${NAS_CLI_WORK}/synthetic'")
set_tests_properties(cli.nas.synthetic_search PROPERTIES
  FIXTURES_SETUP nas_synthetic PASS_REGULAR_EXPRESSION "Pareto front \\([0-9]+ of [0-9]+ complete trials")
pinas_cli_error_test(cli.nas.search_refuses_existing_experiment "[^\n]*exists already \\(use --resume"
                     search --config ${NAS_CLI_INPUTS}/synthetic.textproto --out ${NAS_CLI_WORK}/synthetic)
set_tests_properties(cli.nas.search_refuses_existing_experiment PROPERTIES FIXTURES_REQUIRED nas_synthetic)
add_test(NAME cli.nas.status COMMAND $<TARGET_FILE:pinas> status ${NAS_CLI_WORK}/synthetic)
set_tests_properties(cli.nas.status PROPERTIES FIXTURES_REQUIRED nas_synthetic
  PASS_REGULAR_EXPRESSION "finished.*trained 40 of 40 trials.*best so far")
add_test(NAME cli.nas.top COMMAND $<TARGET_FILE:pinas> top ${NAS_CLI_WORK}/synthetic --k 3)
set_tests_properties(cli.nas.top PROPERTIES FIXTURES_REQUIRED nas_synthetic
  PASS_REGULAR_EXPRESSION "trial +ReLUs +MACs +val acc +test acc +genotype\n( +[0-9]+ +[0-9,]+ +[0-9,]+ +0\\.[0-9]+ +0\\.[0-9]+ +synthetic:[-0-9]+\n)( +[0-9]+ +[0-9,]+ +[0-9,]+ +0\\.[0-9]+ +0\\.[0-9]+ +synthetic:[-0-9]+\n)( +[0-9]+ +[0-9,]+ +[0-9,]+ +0\\.[0-9]+ +0\\.[0-9]+ +synthetic:[-0-9]+\n)")
add_test(NAME cli.nas.pareto_json COMMAND $<TARGET_FILE:pinas> pareto ${NAS_CLI_WORK}/synthetic --json
         --plot ${NAS_CLI_WORK}/synthetic/front.svg)
set_tests_properties(cli.nas.pareto_json PROPERTIES FIXTURES_REQUIRED nas_synthetic
  PASS_REGULAR_EXPRESSION "\"relus\": [0-9]+.*\"test_accuracy\": 0\\.[0-9]+.*\"trial\": [0-9]+.*\"val_accuracy\": 0\\.[0-9]+")
add_test(NAME cli.nas.resume_finished_is_a_no_op COMMAND $<TARGET_FILE:pinas> search --resume ${NAS_CLI_WORK}/synthetic)
set_tests_properties(cli.nas.resume_finished_is_a_no_op PROPERTIES FIXTURES_REQUIRED nas_synthetic
  PASS_REGULAR_EXPRESSION "Pareto front")

# A search under a predicted-latency budget (PI cost model, committed
# calibration fixture; run from the repository root, where the config's
# calibration path points), then the results commands in seconds.
add_test(NAME cli.nas.latency_search
         COMMAND /bin/sh -c "rm -rf '${NAS_CLI_WORK}/latency' && exec '$<TARGET_FILE:pinas>' search --config tests/nas/cli/latency.textproto --out '${NAS_CLI_WORK}/latency'"
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.nas.latency_search PROPERTIES FIXTURES_SETUP nas_latency
  PASS_REGULAR_EXPRESSION "cost: predicted online seconds of a private inference \\(PI cost model, lan network.*budget \\[0\\.000000, 2\\.500000\\] s.*Pareto front \\([1-9][0-9]* of [0-9]+ complete trials; [0-9]+ candidates looked at, [1-9][0-9]* screened out before training by their predicted private-inference latency or as invalid\\):\n +trial +ReLUs +latency s +MACs +val acc +test acc +genotype\n +[0-9]+ +[0-9,]+ +[0-9]\\.[0-9]+ +[0-9,]+ +0\\.[0-9]+ +0\\.[0-9]+ +cryptonas:")
add_test(NAME cli.nas.latency_status COMMAND $<TARGET_FILE:pinas> status ${NAS_CLI_WORK}/latency)
set_tests_properties(cli.nas.latency_status PROPERTIES FIXTURES_REQUIRED nas_latency
  PASS_REGULAR_EXPRESSION "finished\ncost: predicted online latency \\(PI cost model, lan network\\), budget \\[0\\.000000, 2\\.500000\\] s\ntrained 24 of 24 trials.*over_budget.*best so far:\n +trial +ReLUs +latency s +MACs")
add_test(NAME cli.nas.latency_pareto_json COMMAND $<TARGET_FILE:pinas> pareto ${NAS_CLI_WORK}/latency --json
         --plot ${NAS_CLI_WORK}/latency/front.svg)
set_tests_properties(cli.nas.latency_pareto_json PROPERTIES FIXTURES_REQUIRED nas_latency
  PASS_REGULAR_EXPRESSION "\"cost\": [0-9.e-]+,.*\"latency_s\": [0-9.e-]+,.*\"relus\": [0-9]+")
add_test(NAME cli.nas.latency_search_needs_calibration
         COMMAND sh -c "\"$0\" \"$@\" 2>&1; echo status=$?" $<TARGET_FILE:pinas> search --config ${NAS_CLI_INPUTS}/bad_latency.textproto --out ${NAS_CLI_WORK}/bad_latency)
set_tests_properties(cli.nas.latency_search_needs_calibration PROPERTIES
  PASS_REGULAR_EXPRESSION "^pinas: error: [^\n]*bad_latency.textproto: field objective.pi_latency.calibration_file: is required for PI_LATENCY[^\n]*\nstatus=2\n$")

# Resume after SIGKILL at random moments (6 kills): nothing completed is lost,
# numbering is continuous, and the front equals an uninterrupted run.
if(Python3_Interpreter_FOUND)
  add_test(NAME cli.nas.resume_after_sigkill
           COMMAND ${Python3_EXECUTABLE} ${NAS_CLI_INPUTS}/resume_after_kill.py $<TARGET_FILE:pinas>
                   ${NAS_CLI_WORK}/resume 6 1)
  set_tests_properties(cli.nas.resume_after_sigkill PROPERTIES TIMEOUT 300 PASS_REGULAR_EXPRESSION "^.*OK: [0-9]+ kills")
else()
  pinas_skipped_test(cli.nas.resume_after_sigkill "needs Python 3")
endif()

# MPI: rank 0 controls, ranks 1-2 train real candidates on Fashion-MNIST subsets.
find_program(NAS_MPIRUN mpirun)
if(NAS_MPIRUN AND MPI_CXX_FOUND AND EXISTS /usr/share/datasets/fashion-mnist)
  add_test(NAME cli.nas.mpi_search
           COMMAND /bin/sh -c "rm -rf '${NAS_CLI_WORK}/mpi' && exec '${NAS_MPIRUN}' --oversubscribe -np 3 '$<TARGET_FILE:pinas>' search --config '${NAS_CLI_INPUTS}/mpi_fashion_mnist.textproto' --out '${NAS_CLI_WORK}/mpi'")
  set_tests_properties(cli.nas.mpi_search PROPERTIES
    TIMEOUT 120
    ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1"
    PASS_REGULAR_EXPRESSION "MPI, 2 worker ranks.*rank [12].*Pareto front \\([1-9][0-9]* of 4 complete trials")
else()
  pinas_skipped_test(cli.nas.mpi_search "needs mpirun, MPI and /usr/share/datasets/fashion-mnist")
endif()
