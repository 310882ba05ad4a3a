# End-to-end tests of `pinas spaces`, `pinas sample` and `pinas inspect`.

# The presets' ReLU counts, through the JSON contract.
foreach(preset_and_relus "resnet18-cifar;557056" "resnet32-cifar;303104" "cryptonas-cnet1;86016"
                         "cryptonas-fmnist;75264" "resnet20-cifar;188416")
  list(GET preset_and_relus 0 preset)
  list(GET preset_and_relus 1 relus)
  add_test(NAME cli_inspect_${preset}_json COMMAND $<TARGET_FILE:pinas> inspect ${preset} --json)
  set_tests_properties(cli_inspect_${preset}_json PROPERTIES
                       PASS_REGULAR_EXPRESSION "\"layers\": \\[.*\"relus\": ${relus},\n  \"space\""
                       TIMEOUT 30)
endforeach()

add_test(NAME cli_inspect_table COMMAND $<TARGET_FILE:pinas> inspect cryptonas-cnet1)
set_tests_properties(cli_inspect_table PROPERTIES
                     PASS_REGULAR_EXPRESSION "layer5/relu +RELU +224x8x8 +14336.*\ntotal +10x1x1 +86016 "
                     TIMEOUT 30)

add_test(NAME cli_spaces_list COMMAND $<TARGET_FILE:pinas> spaces)
set_tests_properties(cli_spaces_list PROPERTIES
                     PASS_REGULAR_EXPRESSION "cryptonas .*sphynx .*nb201 +15,625 .*resnet .*presets: "
                     TIMEOUT 30)

add_test(NAME cli_sample_text COMMAND $<TARGET_FILE:pinas> sample --space nb201 --seed 1)
set_tests_properties(cli_sample_text PROPERTIES
                     PASS_REGULAR_EXPRESSION "^nb201 {\n +edges: NB201_[A-Z0-9_]+\n +edges: NB201_[A-Z0-9_]+\n +edges: NB201_[A-Z0-9_]+\n +edges: NB201_[A-Z0-9_]+\n +edges: NB201_[A-Z0-9_]+\n +edges: NB201_[A-Z0-9_]+\n}\n$" TIMEOUT 30)

# sample --out, then inspect the genotype file (text and binary).
foreach(space cryptonas sphynx nb201 resnet)
  foreach(extension txt pb)
    set(file ${CMAKE_CURRENT_BINARY_DIR}/spaces_sample_${space}.${extension})
    add_test(NAME cli_sample_inspect_${space}_${extension}
             COMMAND sh -c "\"$1\" sample --space $2 --seed 7 --out \"$3\" && \"$1\" inspect \"$3\" --json"
                     sh $<TARGET_FILE:pinas> ${space} ${file})
    set_tests_properties(cli_sample_inspect_${space}_${extension} PROPERTIES
                         PASS_REGULAR_EXPRESSION "\"relus\": [1-9][0-9]*,\n  \"space\": \"${space}\"" TIMEOUT 30)
  endforeach()
endforeach()

# Errors: exactly one line on stderr, exit status 2, naming what is wrong.
function(pinas_spaces_error_test name expected)
  add_test(NAME ${name}
           COMMAND sh -c "errors=$(\"$@\" 2>&1 >/dev/null); status=$?; printf '%s\\nstatus=%s\\n' \"$errors\" $status"
                   sh $<TARGET_FILE:pinas> ${ARGN})
  set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "^pinas: error: ${expected}[^\n]*\nstatus=2\n$"
                       TIMEOUT 30)
endfunction()

pinas_spaces_error_test(cli_sample_unknown_space "unknown search space 'darts' \\(known: cryptonas, sphynx, nb201, resnet\\)"
                        sample --space darts --seed 1)
pinas_spaces_error_test(cli_inspect_unknown_preset "'resnet19' is neither a preset \\(.*resnet18-cifar"
                        inspect resnet19)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/spaces_malformed.txt
     "name: \"broken\"\nnodes {\n  name: \"input\"\n  op: INPUT\n  kernal: 3\n}\n")
pinas_spaces_error_test(cli_inspect_malformed_file ".*spaces_malformed.txt:5:[0-9]+: .*kernal"
                        inspect ${CMAKE_CURRENT_BINARY_DIR}/spaces_malformed.txt)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/spaces_bad_genotype.txt
     "sphynx {\n  num_cells: 5\n  channels: 16\n  reduction_positions: 9\n}\n")
pinas_spaces_error_test(cli_inspect_genotype_outside_space ".*spaces_bad_genotype.txt: sphynx: normal.nodes"
                        inspect ${CMAKE_CURRENT_BINARY_DIR}/spaces_bad_genotype.txt)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/spaces_mismatch.txt "name: \"mismatch\"
nodes { name: \"input\" op: INPUT input_shape { channels: 3 height: 8 width: 8 } }
nodes { name: \"narrow\" op: CONV inputs: \"input\" out_channels: 4 kernel: 3 padding: 1 }
nodes { name: \"wide\" op: CONV inputs: \"input\" out_channels: 5 kernel: 3 padding: 1 }
nodes { name: \"bad_add\" op: ADD inputs: \"narrow\" inputs: \"wide\" }
nodes { name: \"output\" op: OUTPUT inputs: \"bad_add\" }
")
pinas_spaces_error_test(cli_inspect_shape_mismatch "node 'bad_add': ADD: shape mismatch"
                        inspect ${CMAKE_CURRENT_BINARY_DIR}/spaces_mismatch.txt)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/spaces_cycle.txt "name: \"cycle\"
nodes { name: \"input\" op: INPUT input_shape { channels: 3 height: 8 width: 8 } }
nodes { name: \"loop_add\" op: ADD inputs: \"input\" inputs: \"loop_relu\" }
nodes { name: \"loop_relu\" op: RELU inputs: \"loop_add\" }
nodes { name: \"output\" op: OUTPUT inputs: \"loop_relu\" }
")
pinas_spaces_error_test(cli_inspect_cycle "node 'loop_(add|relu)': lies on a cycle"
                        inspect ${CMAKE_CURRENT_BINARY_DIR}/spaces_cycle.txt)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/spaces_dangling.txt "name: \"dangling\"
nodes { name: \"input\" op: INPUT input_shape { channels: 3 height: 8 width: 8 } }
nodes { name: \"lost\" op: RELU inputs: \"nowhere\" }
nodes { name: \"output\" op: OUTPUT inputs: \"lost\" }
")
pinas_spaces_error_test(cli_inspect_dangling "node 'lost': dangling input 'nowhere'"
                        inspect ${CMAKE_CURRENT_BINARY_DIR}/spaces_dangling.txt)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/spaces_unknown_op.txt "name: \"unknown\"
nodes { name: \"input\" op: INPUT input_shape { channels: 3 height: 8 width: 8 } }
nodes { name: \"mystery\" op: 42 inputs: \"input\" }
nodes { name: \"output\" op: OUTPUT inputs: \"mystery\" }
")
pinas_spaces_error_test(cli_inspect_unknown_op "node 'mystery': OP_UNKNOWN\\(42\\): unknown op"
                        inspect ${CMAKE_CURRENT_BINARY_DIR}/spaces_unknown_op.txt)
