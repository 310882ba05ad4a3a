# Bad input on the command line and in files gets one clear line on stderr and
# exit status 2: ports and HOST:PORT endpoints (one parser for every command,
# nas/cli/endpoint.h), and crafted IDX inputs. Each test prints the output and
# then "status=N", and the regular expression requires both.
# (pinas_cli_error_test: tests/cli/CMakeLists.txt).

set(no_model ${CMAKE_CURRENT_BINARY_DIR}/no-such-model.pb)
pinas_cli_error_test(cli_port_serve_above_65535 "serve --port: '70000' is not a TCP port \\(an integer in 0\\.\\.65535"
                     serve ${no_model} --port 70000)
pinas_cli_error_test(cli_port_serve_negative "serve --port: '-1' is not a TCP port"
                     serve ${no_model} --port -1)
pinas_cli_error_test(cli_port_serve_not_a_number "serve --port: '80x' is not a TCP port"
                     serve ${no_model} --port 80x)
pinas_cli_error_test(cli_port_infer_not_a_number
                     "infer --server host:abc: 'abc' is not a TCP port \\(an integer in 1\\.\\.65535\\)"
                     infer --server host:abc --input ${no_model})
pinas_cli_error_test(cli_port_infer_without_port "infer --server: 'host' is not HOST:PORT \\(no port\\)"
                     infer --server host --input ${no_model})
pinas_cli_error_test(cli_port_infer_zero "infer --server 127.0.0.1:0: '0' is not a TCP port"
                     infer --server 127.0.0.1:0 --input ${no_model})
pinas_cli_error_test(cli_port_infer_without_host "infer --server: ':47600' is not HOST:PORT \\(no host\\)"
                     infer --server :47600 --input ${no_model})
pinas_cli_error_test(cli_port_gc_connect_above_65535 "gc run --connect host:99999: '99999' is not a TCP port"
                     gc run --role evaluator --connect host:99999 --circuit ${no_model} --inputs 0)
pinas_cli_error_test(cli_port_gc_garbler_zero "gc run --port: '0' is not a TCP port \\(an integer in 1\\.\\.65535\\)"
                     gc run --role garbler --port 0 --circuit ${no_model} --inputs 0)

# An IDX input whose dimensions 4 x 2^31 x 2^31 multiply to 2^64, which wraps
# to the 0 bytes present: refused naming the file, never allocated.
set(PINAS_RELIABILITY_DIR ${CMAKE_CURRENT_BINARY_DIR}/reliability)
file(MAKE_DIRECTORY ${PINAS_RELIABILITY_DIR})
add_test(NAME cli_idx_input_dimensions_wrap
         COMMAND sh -c "printf '\\000\\000\\010\\003\\000\\000\\000\\004\\200\\000\\000\\000\\200\\000\\000\\000' \
> \"$2/wrapped.idx\"; \"$1\" pi reference \"$3\" --input \"$2/wrapped.idx\" 2>&1; echo status=$?"
                 sh $<TARGET_FILE:pinas> ${PINAS_RELIABILITY_DIR} ${PINAS_PI_MODEL})
set_tests_properties(cli_idx_input_dimensions_wrap PROPERTIES FIXTURES_REQUIRED pi_model TIMEOUT 30
                     PASS_REGULAR_EXPRESSION
                     "^pinas: error: IDX file [^\n]*wrapped.idx: dimensions 4 x 2147483648 x 2147483648 multiply past 2\\^64[^\n]*\nstatus=2\n$")

# Library code never ends the process (abort, exit, _Exit, quick_exit): it
# throws pinas::Error and the CLI's main decides. A found call is printed and
# fails the test.
add_test(NAME cli_library_never_exits
         COMMAND sh -c "cd \"$0\" && ! grep -rnE '(^|[^A-Za-z0-9_.>])(std::)?(abort|exit|_Exit|quick_exit)[[:space:]]*\\(' \
proto search_spaces crypto cost_models train nas --include=*.cpp --include=*.h --include=*.cc | grep -v '^nas/cli/main.cpp:'"
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(cli_library_never_exits PROPERTIES TIMEOUT 30)

# crypto's -maes -mpclmul -msse4.2 -mavx2 stay PRIVATE: no consumer (crypto/pi,
# the CLI's LibTorch code, other modules' tests) is compiled with them.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME build_simd_flags_stay_in_crypto
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_simd_flags.py
                   ${PROJECT_BINARY_DIR}/compile_commands.json "${CMAKE_CXX_FLAGS}" ${PROJECT_SOURCE_DIR})
  set_tests_properties(build_simd_flags_stay_in_crypto PROPERTIES TIMEOUT 30
                       PASS_REGULAR_EXPRESSION "simd flags private: [0-9]+ files checked")
else()
  pinas_skipped_test(build_simd_flags_stay_in_crypto "needs Python 3")
endif()
