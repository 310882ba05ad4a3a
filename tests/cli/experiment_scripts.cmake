# The experiment scripts behind the published tables, run small.
if(EXISTS /usr/share/datasets/fashion-mnist)
  add_test(NAME cli_experiments_random_baselines
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/random_baselines.sh $<TARGET_FILE:pinas> ${PROJECT_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/random-baselines)
  set_tests_properties(cli_experiments_random_baselines PROPERTIES TIMEOUT 300
                       PASS_REGULAR_EXPRESSION "3 random baselines at 3136 ReLUs.*median of 3 random baselines")
else()
  pinas_skipped_test(cli_experiments_random_baselines "Debian's dataset-fashion-mnist is not installed")
endif()
