# End-to-end tests of `pinas gc run` and the GC benchmarks.
set(PINAS_GC_AES ${PINAS_SHARED_DIR}/data/bristol/aes_128.txt)
set(PINAS_GC_AES_KEY 000102030405060708090a0b0c0d0e0f)
set(PINAS_GC_AES_PLAINTEXT 00112233445566778899aabbccddeeff)
set(PINAS_GC_AES_CIPHERTEXT 69c4e0d86a7b0430d8cdb78070b4c55a)

if(EXISTS ${PINAS_GC_AES})
  # Both parties as two threads of one process, over loopback TCP.
  add_test(NAME cli_gc_run_aes128
           COMMAND $<TARGET_FILE:pinas> gc run --circuit ${PINAS_GC_AES}
                   --inputs ${PINAS_GC_AES_KEY},${PINAS_GC_AES_PLAINTEXT})
  set_tests_properties(cli_gc_run_aes128 PROPERTIES PASS_REGULAR_EXPRESSION "^${PINAS_GC_AES_CIPHERTEXT}\n$"
                       TIMEOUT 60)
  # The two roles as separate processes; the script fails if either does.
  add_test(NAME cli_gc_run_aes128_two_processes
           COMMAND sh -c "\"$1\" gc run --role garbler --port 47613 --circuit \"$2\" --inputs $3 & garbler=$!; \
\"$1\" gc run --role evaluator --connect 127.0.0.1:47613 --circuit \"$2\" --inputs $4 || exit 1; wait $garbler"
                   sh $<TARGET_FILE:pinas> ${PINAS_GC_AES} ${PINAS_GC_AES_KEY} ${PINAS_GC_AES_PLAINTEXT})
  set_tests_properties(cli_gc_run_aes128_two_processes PROPERTIES
                       PASS_REGULAR_EXPRESSION "^${PINAS_GC_AES_CIPHERTEXT}\n${PINAS_GC_AES_CIPHERTEXT}\n$"
                       TIMEOUT 60)
else()
  foreach(name cli_gc_run_aes128 cli_gc_run_aes128_two_processes)
    pinas_skipped_test(${name} "${PINAS_GC_AES} is absent (the ../shared folder)")
  endforeach()
endif()

# A malformed Bristol file is refused with its line number (exit status 2).
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/gc_malformed.txt "1 3\n2 1 1\n1 1\n2 1 0 1 2 NAND\n")
pinas_cli_error_test(cli_gc_run_malformed_bristol ".*gc_malformed.txt:4: unknown gate 'NAND'"
                     gc run --circuit ${CMAKE_CURRENT_BINARY_DIR}/gc_malformed.txt --inputs 1,0)

# The benchmarks' JSON contracts (short runs).
add_test(NAME cli_bench_gc_json COMMAND $<TARGET_FILE:pinas> bench gc --json --seconds 0.05 --copies 256)
set_tests_properties(cli_bench_gc_json PROPERTIES
                     PASS_REGULAR_EXPRESSION "\"bytes_per_and\": 32\\.0.*\"eval_and_per_s\".*\"garble_and_per_s\""
                     TIMEOUT 60)
add_test(NAME cli_bench_relu_json COMMAND $<TARGET_FILE:pinas> bench relu --ring-bits 32 --count 256 --json)
set_tests_properties(cli_bench_relu_json PROPERTIES
                     PASS_REGULAR_EXPRESSION "\"and_gates_per_relu\": 93.*\"gc_bytes_per_relu\": 2976"
                     TIMEOUT 60)
add_test(NAME cli_bench_relu_circa_json COMMAND $<TARGET_FILE:pinas> bench relu --ring-bits 32 --circa 8 --count 256 --json)
set_tests_properties(cli_bench_relu_circa_json PROPERTIES
                     PASS_REGULAR_EXPRESSION "\"and_gates_per_relu\": 23.*\"gc_bytes_per_relu\": 736"
                     TIMEOUT 60)
