# End-to-end tests of private inference: `pinas serve` and `pinas infer` as
# two real processes over loopback TCP, bit-exact with `pinas pi reference`;
# refusal of broken model files and of a mismatched client.
set(PINAS_PI_DIR ${CMAKE_CURRENT_BINARY_DIR}/pi)
file(MAKE_DIRECTORY ${PINAS_PI_DIR})
# A small Fashion-MNIST-shaped network (text-format pb::Architecture).
file(WRITE ${PINAS_PI_DIR}/small.textproto "name: \"pi-small\"
num_classes: 10
nodes { name: \"input\" op: INPUT input_shape { channels: 1 height: 28 width: 28 } }
nodes { name: \"conv\" op: CONV inputs: \"input\" out_channels: 4 kernel: 3 stride: 2 padding: 1 }
nodes { name: \"bn\" op: BATCH_NORM inputs: \"conv\" }
nodes { name: \"relu\" op: RELU inputs: \"bn\" }
nodes { name: \"pool\" op: MAX_POOL inputs: \"relu\" kernel: 2 stride: 2 }
nodes { name: \"square\" op: POLYNOMIAL inputs: \"pool\" coefficients: 0.1 coefficients: 0.5 coefficients: 0.25 }
nodes { name: \"avg\" op: AVG_POOL inputs: \"square\" kernel: 3 stride: 1 padding: 1 }
nodes { name: \"flatten\" op: FLATTEN inputs: \"avg\" }
nodes { name: \"fc\" op: LINEAR inputs: \"flatten\" out_channels: 10 bias: true }
nodes { name: \"output\" op: OUTPUT inputs: \"fc\" }
")
set(PINAS_PI_MODEL ${PINAS_PI_DIR}/small.pb)
set(PINAS_PI_IMAGES /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz)

add_test(NAME cli_pi_random_model
         COMMAND $<TARGET_FILE:pinas> pi random-model ${PINAS_PI_DIR}/small.textproto --out ${PINAS_PI_MODEL}
                 --seed 7 --relu-masks)
set_tests_properties(cli_pi_random_model PROPERTIES FIXTURES_SETUP pi_model TIMEOUT 60)

if(EXISTS ${PINAS_PI_IMAGES})
  # Two processes: the server serves one session per image and exits; the
  # client's fixed-point logits must equal the plaintext reference's exactly.
  add_test(NAME cli_pi_serve_infer_two_processes
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/private_inference_matches_reference.sh $<TARGET_FILE:pinas>
                   ${PINAS_PI_MODEL} ${PINAS_PI_IMAGES} ${PINAS_PI_DIR}/two-processes 0 5 17)
  set_tests_properties(cli_pi_serve_infer_two_processes PROPERTIES FIXTURES_REQUIRED pi_model
                       PASS_REGULAR_EXPRESSION "bit-exact 2 images, [0-9]+ rounds" TIMEOUT 120)
  # Mixed activations (ReLU, quadratic, affine and identity elements in one
  # layer, as the reduction methods export them) served by two processes:
  # bit-exact, and exactly the mask's ReLUs go through garbled circuits.
  add_test(NAME cli_pi_serve_infer_mixed_activations
           COMMAND sh -c "set -e; \"$1\" pi random-model \"$2\" --mixed-activations --seed 3 --out \"$4/mixed.pb\" >/dev/null; \
bash \"$5\" \"$1\" \"$4/mixed.pb\" \"$3\" \"$4/mixed\" 0 2 9; \
relus=$(\"$1\" inspect \"$4/mixed.pb\" --totals | sed -E 's/^relus=([0-9]+).*/\\1/'); \
python3 -c \"import json,sys; r=json.load(open(sys.argv[1])); assert r['garbled_relus']==int(sys.argv[2]), r['garbled_relus']; \
assert r['polynomial_elements']>0; print('garbled exactly', r['garbled_relus'], 'of', sys.argv[2], 'ReLUs,', r['polynomial_elements'], 'polynomial elements')\" \"$4/mixed/infer-2.json\" $relus"
                   sh $<TARGET_FILE:pinas> ${PINAS_PI_DIR}/small.textproto ${PINAS_PI_IMAGES} ${PINAS_PI_DIR}
                   ${CMAKE_CURRENT_SOURCE_DIR}/private_inference_matches_reference.sh)
  set_tests_properties(cli_pi_serve_infer_mixed_activations PROPERTIES
                       PASS_REGULAR_EXPRESSION "bit-exact 2 images.*garbled exactly [0-9]+ of [0-9]+ ReLUs, [1-9][0-9]* polynomial"
                       TIMEOUT 120)
  # The same at ℓ = 32, f = 8 (both parties and the reference agree on it).
  add_test(NAME cli_pi_serve_infer_ring32
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/private_inference_matches_reference.sh $<TARGET_FILE:pinas>
                   ${PINAS_PI_MODEL} ${PINAS_PI_IMAGES} ${PINAS_PI_DIR}/ring32 0 3
                   -- --ring-bits 32 --fractional-bits 8)
  set_tests_properties(cli_pi_serve_infer_ring32 PROPERTIES FIXTURES_REQUIRED pi_model
                       PASS_REGULAR_EXPRESSION "bit-exact 1 images, [0-9]+ rounds" TIMEOUT 120)
  # Human-readable output: the top-5 and the costs.
  add_test(NAME cli_pi_infer_text
           COMMAND sh -c "\"$1\" serve \"$2\" --port 47642 --max-sessions 1 --circa 8 & server=$!; \
\"$1\" infer --server 127.0.0.1:47642 --input \"$3\" --index 0; status=$?; wait $server; exit $status"
                   sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL} ${PINAS_PI_IMAGES})
  set_tests_properties(cli_pi_infer_text PROPERTIES FIXTURES_REQUIRED pi_model
                       PASS_REGULAR_EXPRESSION "top-5:.*offline: .* MB client->server.*online: .*rounds" TIMEOUT 120)
  # A client asking for another ring gets a clean one-line error (exit 2).
  add_test(NAME cli_pi_infer_wrong_ring
           COMMAND sh -c "\"$1\" serve \"$2\" --port 47643 --max-sessions 1 & server=$!; \
\"$1\" infer --server 127.0.0.1:47643 --input \"$3\" --ring-bits 32 2>&1; status=$?; wait $server; \
echo status=$status"
                   sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL} ${PINAS_PI_IMAGES})
  set_tests_properties(cli_pi_infer_wrong_ring PROPERTIES FIXTURES_REQUIRED pi_model
                       PASS_REGULAR_EXPRESSION "pinas: error: .*refused: ring bits: server 48, client 32.*status=2"
                       TIMEOUT 60)
  # The server chooses the linear backend; a client insisting on another one stops with a clear error.
  add_test(NAME cli_pi_infer_wrong_linear_backend
           COMMAND sh -c "\"$1\" serve \"$2\" --port 47647 --max-sessions 1 --linear ot & server=$!; \
\"$1\" infer --server 127.0.0.1:47647 --input \"$3\" --linear he 2>&1; status=$?; wait $server; \
echo status=$status"
                   sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL} ${PINAS_PI_IMAGES})
  set_tests_properties(cli_pi_infer_wrong_linear_backend PROPERTIES FIXTURES_REQUIRED pi_model
                       PASS_REGULAR_EXPRESSION "pinas: error: infer: server 127.0.0.1:47647 uses --linear ot, the client asked for --linear he.*status=2"
                       TIMEOUT 60)
else()
  foreach(name cli_pi_serve_infer_two_processes cli_pi_serve_infer_mixed_activations cli_pi_serve_infer_ring32
          cli_pi_infer_text cli_pi_infer_wrong_ring cli_pi_infer_wrong_linear_backend)
    pinas_skipped_test(${name} "${PINAS_PI_IMAGES} is absent (Debian's dataset-fashion-mnist)")
  endforeach()
endif()

# Broken model files are refused with a clear error and exit status 2.
add_test(NAME cli_pi_serve_truncated_model
         COMMAND sh -c "head -c 40 \"$2\" > \"$3/truncated.pb\"; \"$1\" serve \"$3/truncated.pb\" --port 47644 2>&1; \
echo status=$?" sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL} ${PINAS_PI_DIR})
set_tests_properties(cli_pi_serve_truncated_model PROPERTIES FIXTURES_REQUIRED pi_model
                     PASS_REGULAR_EXPRESSION "pinas: error: .*truncated.pb.*truncated or padded model file.*status=2"
                     TIMEOUT 30)
add_test(NAME cli_pi_serve_wrong_magic
         COMMAND sh -c "{ printf 'NOTPINAS'; tail -c +9 \"$2\"; } > \"$3/magic.pb\"; \
\"$1\" serve \"$3/magic.pb\" --port 47645 2>&1; echo status=$?" sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL} ${PINAS_PI_DIR})
set_tests_properties(cli_pi_serve_wrong_magic PROPERTIES FIXTURES_REQUIRED pi_model
                     PASS_REGULAR_EXPRESSION "pinas: error: .*magic.pb: not a pinas model file \\(wrong magic.*status=2"
                     TIMEOUT 30)
add_test(NAME cli_pi_serve_wrong_version
         COMMAND sh -c "{ head -c 8 \"$2\"; printf '\\011\\000\\000\\000'; tail -c +13 \"$2\"; } > \"$3/version.pb\"; \
\"$1\" serve \"$3/version.pb\" --port 47646 2>&1; echo status=$?" sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL} ${PINAS_PI_DIR})
set_tests_properties(cli_pi_serve_wrong_version PROPERTIES FIXTURES_REQUIRED pi_model
                     PASS_REGULAR_EXPRESSION "pinas: error: .*version.pb: unsupported model format version 9.*status=2"
                     TIMEOUT 30)

# The benchmark's JSON contract on the small network (threads over loopback).
add_test(NAME cli_bench_pi_json
         COMMAND $<TARGET_FILE:pinas> bench pi ${PINAS_PI_DIR}/small.textproto --json)
set_tests_properties(cli_bench_pi_json PROPERTIES
                     PASS_REGULAR_EXPRESSION "\"bit_exact\": true.*\"per_relu\"" TIMEOUT 120)
