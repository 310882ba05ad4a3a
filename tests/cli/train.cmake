# End-to-end tests of `pinas train`, `pinas export` and `pinas eval`.
# Included by tests/cli/CMakeLists.txt; also run as a script (cmake -P) to
# check that a command fails with exit status 2 and a one-line message
# naming the culprit.
if(CMAKE_SCRIPT_MODE_FILE)
  # -DCOMMAND="pinas;arg;..." -DEXPECT=<text the stderr line must contain>
  execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 2)
    message(FATAL_ERROR "exit status ${status}, expected 2\nstdout: ${out}\nstderr: ${err}")
  endif()
  string(STRIP "${err}" line)
  if(line MATCHES "\n")
    message(FATAL_ERROR "expected one line on stderr, got:\n${err}")
  endif()
  string(FIND "${line}" "${EXPECT}" position)
  if(position EQUAL -1 OR NOT line MATCHES "^pinas: error: ")
    message(FATAL_ERROR "stderr does not name '${EXPECT}':\n${err}")
  endif()
  return()
endif()

set(PINAS_TRAIN_FIXTURES ${PROJECT_SOURCE_DIR}/tests/train/fixtures)
set(PINAS_TRAIN_CLI_DIR ${CMAKE_CURRENT_BINARY_DIR}/train-cli)
set(PINAS_TRAIN_SHORT --data fashion-mnist --epochs 1 --subset 512 --test-subset 200 --val-fraction 0.01
    --threads 1 --batch 32 --quiet)

# A genotype without input shape is rebuilt for Fashion-MNIST and trained.
add_test(NAME cli_train_json
         COMMAND pinas train ${PINAS_TRAIN_FIXTURES}/tiny_cryptonas.genotype.txt ${PINAS_TRAIN_SHORT}
                 --out ${PINAS_TRAIN_CLI_DIR}/run --json)
set_tests_properties(cli_train_json PROPERTIES FIXTURES_SETUP pinas_train_run
  PASS_REGULAR_EXPRESSION "\"test_accuracy\": 0\\.[0-9]+.*\"relus\": 3136|\"relus\": 3136.*\"test_accuracy\": 0\\.[0-9]+")

add_test(NAME cli_export COMMAND pinas export ${PINAS_TRAIN_CLI_DIR}/run --out ${PINAS_TRAIN_CLI_DIR}/model.pb)
set_tests_properties(cli_export PROPERTIES FIXTURES_REQUIRED pinas_train_run FIXTURES_SETUP pinas_train_model
  PASS_REGULAR_EXPRESSION "wrote .*model.pb")

add_test(NAME cli_eval_json COMMAND pinas eval ${PINAS_TRAIN_CLI_DIR}/model.pb --test-subset 200 --json)
set_tests_properties(cli_eval_json PROPERTIES FIXTURES_REQUIRED pinas_train_model
  PASS_REGULAR_EXPRESSION "\"test_accuracy\": 0\\.[0-9]+")

# The fixed-point reference of private inference on the trained model.
add_test(NAME cli_eval_fixed_point
         COMMAND pinas eval ${PINAS_TRAIN_CLI_DIR}/model.pb --test-subset 200 --fixed-point --json)
set_tests_properties(cli_eval_fixed_point PROPERTIES FIXTURES_REQUIRED pinas_train_model
  PASS_REGULAR_EXPRESSION "\"fixed_point\": \"ring=48 f=10.*\"test_accuracy\": 0\\.[0-9]+|\"test_accuracy\": 0\\.[0-9]+.*\"fixed_point\": \"ring=48")

# Private inference of the model `pinas train` just trained, as two processes
# (`pinas serve`, `pinas infer`), bit-exact with its fixed-point reference.
set(PINAS_TRAIN_TEST_IMAGES /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz)
if(EXISTS ${PINAS_TRAIN_TEST_IMAGES})
  add_test(NAME cli_pi_trained_model_two_processes
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/private_inference_matches_reference.sh $<TARGET_FILE:pinas>
                   ${PINAS_TRAIN_CLI_DIR}/model.pb ${PINAS_TRAIN_TEST_IMAGES} ${PINAS_TRAIN_CLI_DIR}/private 0
                   0 1 2 3)
  set_tests_properties(cli_pi_trained_model_two_processes PROPERTIES FIXTURES_REQUIRED pinas_train_model
                       PASS_REGULAR_EXPRESSION "bit-exact 4 images, [0-9]+ rounds" TIMEOUT 300)
else()
  pinas_skipped_test(cli_pi_trained_model_two_processes
                     "${PINAS_TRAIN_TEST_IMAGES} is absent (Debian's dataset-fashion-mnist)")
endif()

add_test(NAME cli_train_kill_and_resume
         COMMAND bash ${PINAS_TRAIN_FIXTURES}/kill_and_resume.sh $<TARGET_FILE:pinas>
                 ${PINAS_TRAIN_FIXTURES}/tiny_cryptonas.genotype.txt)
set_tests_properties(cli_train_kill_and_resume PROPERTIES PASS_REGULAR_EXPRESSION "resumed weights identical")

# Errors: exit status 2, one line naming the culprit.
function(pinas_train_error_test name expect)
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:pinas>;${ARGN}" "-DEXPECT=${expect}"
                                -P ${CMAKE_CURRENT_LIST_DIR}/train.cmake)
endfunction()
pinas_train_error_test(cli_train_unknown_architecture "no-such-architecture"
  train no-such-architecture --data fashion-mnist --quiet)
pinas_train_error_test(cli_train_missing_dataset "/nonexistent/cifar"
  train cryptonas-fmnist --data cifar10:/nonexistent/cifar --quiet)
file(MAKE_DIRECTORY ${PINAS_TRAIN_CLI_DIR}/corrupt-fashion)
foreach(stem train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
  file(WRITE ${PINAS_TRAIN_CLI_DIR}/corrupt-fashion/${stem} "this is not an IDX file")
endforeach()
pinas_train_error_test(cli_train_corrupt_dataset "corrupt-fashion/train-images-idx3-ubyte"
  train cryptonas-fmnist --data fashion-mnist:${PINAS_TRAIN_CLI_DIR}/corrupt-fashion --quiet)
pinas_train_error_test(cli_train_shape_mismatch "tiny-rgb"
  train ${PINAS_TRAIN_FIXTURES}/tiny_rgb.architecture.txt --data fashion-mnist --quiet)
pinas_train_error_test(cli_eval_unreadable_model "/nonexistent/model.pb"
  eval /nonexistent/model.pb --data fashion-mnist)
file(WRITE ${PINAS_TRAIN_CLI_DIR}/garbage.pb "PINASMDL garbage")
pinas_train_error_test(cli_eval_corrupt_model "garbage.pb" eval ${PINAS_TRAIN_CLI_DIR}/garbage.pb)
pinas_train_error_test(cli_export_missing_checkpoint "no-such-run"
  export ${PINAS_TRAIN_CLI_DIR}/no-such-run --out ${PINAS_TRAIN_CLI_DIR}/none.pb)
