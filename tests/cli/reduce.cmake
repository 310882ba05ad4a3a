# End-to-end tests of `pinas reduce`: each method reduces a tiny model trained
# by `pinas train` and the result serves privately, bit-exact, with exactly its
# budget's garbled ReLUs; errors exit with status 2 and one line.
if(CMAKE_SCRIPT_MODE_FILE)
  return()
endif()
set(PINAS_REDUCE_CLI_DIR ${CMAKE_CURRENT_BINARY_DIR}/reduce-cli)
set(PINAS_REDUCE_FIXTURES ${PROJECT_SOURCE_DIR}/tests/train/fixtures)
if(EXISTS /usr/share/datasets/fashion-mnist)
  foreach(method snl snl-channel autorep)
    add_test(NAME cli_reduce_${method}_serves_privately
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/reduce_serve_private.sh $<TARGET_FILE:pinas>
                     ${PINAS_REDUCE_FIXTURES}/tiny_cryptonas.genotype.txt ${PINAS_REDUCE_CLI_DIR}/${method}
                     ${method} 1000 --epochs 1 --finetune-epochs 1 --snl-lambda 1e-3 --snl-alpha-lr 0.05
                     --autorep-gate-lr 0.05)
    set_tests_properties(cli_reduce_${method}_serves_privately PROPERTIES
                         PASS_REGULAR_EXPRESSION "garbled exactly [0-9]+" TIMEOUT 600)
  endforeach()
  # Fixtures, not only an order: `ctest -R` on a test that reads another's
  # output runs that one first.
  set_tests_properties(cli_reduce_snl_serves_privately PROPERTIES FIXTURES_SETUP reduce_teacher)
  add_test(NAME cli_reduce_deepreduce_serves_privately
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/reduce_serve_private.sh $<TARGET_FILE:pinas>
                   ${PINAS_REDUCE_FIXTURES}/tiny_resnet.genotype.txt ${PINAS_REDUCE_CLI_DIR}/deepreduce
                   deepreduce 8000 --epochs 1 --criticality-epochs 1)
  set_tests_properties(cli_reduce_deepreduce_serves_privately PROPERTIES
                       PASS_REGULAR_EXPRESSION "garbled exactly [0-9]+" TIMEOUT 600)
  # Errors need a model: the SNL test's teacher (fixture reduce_teacher).
  function(pinas_reduce_error_test name expect)
    add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:pinas>;${ARGN}" "-DEXPECT=${expect}"
                                  -P ${CMAKE_CURRENT_LIST_DIR}/train.cmake)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED reduce_teacher)
  endfunction()
  set(teacher ${PINAS_REDUCE_CLI_DIR}/snl/teacher.pb)
  pinas_reduce_error_test(cli_reduce_budget_above_model "is not below the model's"
    reduce ${teacher} --budget 1000000 --out ${PINAS_REDUCE_CLI_DIR}/err1 --quiet)
  pinas_reduce_error_test(cli_reduce_unknown_method "unknown method 'magic'"
    reduce ${teacher} --method magic --budget 10 --out ${PINAS_REDUCE_CLI_DIR}/err2 --quiet)
  pinas_reduce_error_test(cli_reduce_bad_budget "'ten' is not a positive ReLU count"
    reduce ${teacher} --budget ten --out ${PINAS_REDUCE_CLI_DIR}/err3 --quiet)
  pinas_reduce_error_test(cli_reduce_deepreduce_needs_resnet "deepreduce needs a model of the resnet space"
    reduce ${teacher} --method deepreduce --budget 10 --out ${PINAS_REDUCE_CLI_DIR}/err4 --quiet)
  # Killed with SIGKILL and resumed: the same model and front as an uninterrupted run.
  add_test(NAME cli_reduce_kill_and_resume
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/reduce_kill_and_resume.sh $<TARGET_FILE:pinas> ${teacher}
                   ${PINAS_REDUCE_CLI_DIR}/kill-and-resume)
  set_tests_properties(cli_reduce_kill_and_resume PROPERTIES FIXTURES_REQUIRED reduce_teacher TIMEOUT 300
                       PASS_REGULAR_EXPRESSION "resumed reduction identical")
  add_test(NAME cli_reduce_linear_model
           COMMAND pinas pi random-model ${PINAS_REDUCE_FIXTURES}/linear_fashion.architecture.txt
                   --out ${PINAS_REDUCE_CLI_DIR}/linear.pb)
  set_tests_properties(cli_reduce_linear_model PROPERTIES FIXTURES_SETUP reduce_linear_model)
  pinas_reduce_error_test(cli_reduce_model_without_relus "has no ReLUs to reduce"
    reduce ${PINAS_REDUCE_CLI_DIR}/linear.pb --data fashion-mnist --budget 10 --out ${PINAS_REDUCE_CLI_DIR}/err5
    --quiet)
  set_tests_properties(cli_reduce_model_without_relus PROPERTIES FIXTURES_REQUIRED reduce_linear_model)
  # The experiment config's reduction step: searched and reduced networks side by side.
  add_test(NAME cli_reduce_search_step
           COMMAND /bin/sh -c "rm -rf '${PINAS_REDUCE_CLI_DIR}/search' && '$<TARGET_FILE:pinas>' search --config '${PROJECT_SOURCE_DIR}/tests/nas/cli/reduction_fashion_mnist.textproto' --out '${PINAS_REDUCE_CLI_DIR}/search' && '$<TARGET_FILE:pinas>' pareto '${PINAS_REDUCE_CLI_DIR}/search' --plot '${PINAS_REDUCE_CLI_DIR}/search/front.svg'")
  set_tests_properties(cli_reduce_search_step PROPERTIES TIMEOUT 600
                       PASS_REGULAR_EXPRESSION "reduced networks \\(the config's reduction step\\):[^\n]*\n[^\n]*\n +[0-9]+ snl +500 +[0-9]+")
  # The same step under MPI: rank 0 reduces the best trial after the workers
  # trained the candidates.
  find_program(REDUCE_MPIRUN mpirun)
  if(REDUCE_MPIRUN AND MPI_CXX_FOUND)
    add_test(NAME cli_reduce_search_step_mpi
             COMMAND /bin/sh -c "rm -rf '${PINAS_REDUCE_CLI_DIR}/search-mpi' && '${REDUCE_MPIRUN}' --oversubscribe -np 3 '$<TARGET_FILE:pinas>' search --config '${PROJECT_SOURCE_DIR}/tests/nas/cli/reduction_fashion_mnist.textproto' --out '${PINAS_REDUCE_CLI_DIR}/search-mpi' && '$<TARGET_FILE:pinas>' pareto '${PINAS_REDUCE_CLI_DIR}/search-mpi'")
    set_tests_properties(cli_reduce_search_step_mpi PROPERTIES TIMEOUT 600
                         ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1"
                         PASS_REGULAR_EXPRESSION "MPI, 2 worker ranks.*reduced networks \\(the config's reduction step\\):[^\n]*\n[^\n]*\n +[0-9]+ snl +500 +[0-9]+")
  else()
    pinas_skipped_test(cli_reduce_search_step_mpi "needs mpirun and MPI")
  endif()
else()
  add_test(NAME cli_reduce_skipped COMMAND ${CMAKE_COMMAND} -E echo
           "skipped: Debian's dataset-fashion-mnist is not installed")
  set_tests_properties(cli_reduce_skipped PROPERTIES SKIP_REGULAR_EXPRESSION "skipped")
endif()
