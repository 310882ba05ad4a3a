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
  set_tests_properties(cli.darts.resume_after_sigkill PROPERTIES TIMEOUT 600
                       PASS_REGULAR_EXPRESSION "OK: [0-9]+ kills")
  # The same search with Sphynx's reduction-location stage: the chosen pair
  # is the retrained network's reductions.
  add_test(NAME cli.darts.locations
           COMMAND ${Python3_EXECUTABLE} ${DARTS_CLI_SCRIPT} $<TARGET_FILE:pinas>
                   ${PROJECT_SOURCE_DIR}/tests/nas/cli/darts_locations_fashion_mnist.textproto
                   ${PROJECT_BINARY_DIR}/darts_cli_tests/locations search)
  set_tests_properties(cli.darts.locations PROPERTIES TIMEOUT 300
                       PASS_REGULAR_EXPRESSION "OK: [0-9]+ supernet epochs.*locations [0-9]+,[0-9]+")
  # Killed with SIGKILL 3 times (in the supernet, the location stage or the
  # retraining) and resumed: the same pair, network and trial.
  add_test(NAME cli.darts.locations_resume_after_sigkill
           COMMAND ${Python3_EXECUTABLE} ${DARTS_CLI_SCRIPT} $<TARGET_FILE:pinas>
                   ${PROJECT_SOURCE_DIR}/tests/nas/cli/darts_locations_fashion_mnist.textproto
                   ${PROJECT_BINARY_DIR}/darts_cli_tests/locations_resume resume 3 2)
  set_tests_properties(cli.darts.locations_resume_after_sigkill PROPERTIES TIMEOUT 600
                       PASS_REGULAR_EXPRESSION "OK: [0-9]+ kills")
else()
  foreach(name cli.darts.search cli.darts.resume_after_sigkill cli.darts.locations
                cli.darts.locations_resume_after_sigkill)
    pinas_skipped_test(${name} "needs Python 3 and /usr/share/datasets/fashion-mnist")
  endforeach()
endif()

# The data-parallel supernet (issue 11, MPI): three ranks, each a shard of
# every global batch, against one process with the whole batch; every
# weight and alpha after every step agrees to floating-point tolerance.
find_program(DARTS_MPIRUN mpirun)
if(DARTS_MPIRUN AND TARGET mpi_supernet_trajectory)
  foreach(kind darts enas)
    add_test(NAME nas.mpi_supernet_trajectory.${kind}
             COMMAND ${DARTS_MPIRUN} --oversubscribe -np 3 $<TARGET_FILE:mpi_supernet_trajectory>
                     ${kind} ${PROJECT_BINARY_DIR}/mpi_supernet_trajectory)
    set_tests_properties(nas.mpi_supernet_trajectory.${kind} PROPERTIES
      TIMEOUT 180
      ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1"
      PASS_REGULAR_EXPRESSION "OK: ${kind} [0-9]+ steps"
      SKIP_REGULAR_EXPRESSION "skipped:")
  endforeach()
else()
  foreach(kind darts enas)
    pinas_skipped_test(nas.mpi_supernet_trajectory.${kind} "needs mpirun and a pinas built with MPI and LibTorch")
  endforeach()
endif()
