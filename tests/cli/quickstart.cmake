# scripts/quickstart --small: the whole main job (search, retrain, SNL
# reduction, serve, private inference of 3 test images, summary) shrunk to
# about a minute; the summary must report logits bit-exact with the plaintext
# fixed-point reference and private accuracy equal to plaintext.
if(CMAKE_SCRIPT_MODE_FILE)
  return()
endif()
if(EXISTS /usr/share/datasets/fashion-mnist)
  add_test(NAME cli_quickstart_small_pipeline
           COMMAND ${CMAKE_COMMAND} -E env PINAS_BUILD_DIR=${PROJECT_BINARY_DIR}
                   PINAS_OUT=${CMAKE_CURRENT_BINARY_DIR}/quickstart-small
                   bash -c "rm -rf \"$PINAS_OUT\" && exec \"$0\" --small" ${PROJECT_SOURCE_DIR}/scripts/quickstart)
  set_tests_properties(cli_quickstart_small_pipeline PROPERTIES
                       PASS_REGULAR_EXPRESSION "logits bit-exact with the plaintext reference on every image"
                       TIMEOUT 900)
else()
  pinas_skipped_test(cli_quickstart_small_pipeline "/usr/share/datasets/fashion-mnist is absent (dataset-fashion-mnist)")
endif()
