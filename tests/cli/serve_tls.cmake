# pinas serve and infer over TLS 1.3 with client authentication (serve_tls.sh),
# serve --json and its `port N` line, and TLS option errors (exit status 2).
if(EXISTS ${PINAS_PI_IMAGES})
  find_program(PINAS_OPENSSL openssl)
  if(PINAS_OPENSSL)
    add_test(NAME cli_serve_tls_client_authentication
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/serve_tls.sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL}
                     ${PINAS_PI_IMAGES} ${PINAS_PI_DIR}/tls)
    set_tests_properties(cli_serve_tls_client_authentication PROPERTIES FIXTURES_REQUIRED pi_model
                         PASS_REGULAR_EXPRESSION "tls: served 2, refused 3, bit-exact" TIMEOUT 180)
  else()
    pinas_skipped_test(cli_serve_tls_client_authentication "needs the openssl command-line tool")
  endif()
  # serve --json: one JSON object per line, the first names the chosen port.
  add_test(NAME cli_serve_json_lines
           COMMAND sh -c "\"$1\" serve \"$2\" --port 0 --max-sessions 1 --json > \"$4/serve-json.out\" & server=$!; \
for i in $(seq 300); do port=$(sed -n 's/.*\"event\":\"listening\".*\"port\":\\([0-9]*\\).*/\\1/p' \"$4/serve-json.out\"); \
[ -n \"$port\" ] && break; sleep 0.1; done; \
\"$1\" infer --server 127.0.0.1:$port --input \"$3\" --index 0 > /dev/null; wait $server; echo status=$?; cat \"$4/serve-json.out\""
                   sh $<TARGET_FILE:pinas> ${PINAS_PI_MODEL} ${PINAS_PI_IMAGES} ${PINAS_PI_DIR})
  set_tests_properties(cli_serve_json_lines PROPERTIES FIXTURES_REQUIRED pi_model TIMEOUT 120
                       PASS_REGULAR_EXPRESSION
                       "status=0\n[{]\"address\":\"127.0.0.1\",[^\n]*\"event\":\"listening\"[^\n]*\"port\":[1-9][0-9]*[^\n]*\n[{][^\n]*\"event\":\"served\"[^\n]*\n[{][^\n]*\"event\":\"stopped\",\"failed\":0,\"refused\":0,\"served\":1[}]\n$")
else()
  pinas_skipped_test(cli_serve_tls_client_authentication "needs Fashion-MNIST (${PINAS_PI_IMAGES})")
  pinas_skipped_test(cli_serve_json_lines "needs Fashion-MNIST (${PINAS_PI_IMAGES})")
endif()
pinas_cli_error_test(cli_serve_tls_missing_certificate
                     "TLS server certificate /nonexistent/server.pem: cannot load it as PEM"
                     serve ${CMAKE_CURRENT_BINARY_DIR}/no-such-model.pb --port 0 --tls-cert /nonexistent/server.pem
                     --tls-key /nonexistent/server.key)
pinas_cli_error_test(cli_infer_tls_missing_ca "TLS server CA /nonexistent/ca.pem: cannot load it as PEM"
                     infer --server 127.0.0.1:1 --input /nonexistent/x.f32 --tls-ca /nonexistent/ca.pem)
