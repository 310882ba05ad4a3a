#pragma once

#include <string>
#include <string_view>

#include "crypto/circuits/circuit.h"

namespace pinas::crypto {

// Reads circuits in Bristol Fashion, the format of the SCALE-MAMBA / MPC
// circuit collections:
//   line 1: <gates> <wires>
//   line 2: <number of inputs> <width of input 1> ...
//   line 3: <number of outputs> <width of output 1> ...
//   then one gate per line: <in count> <out count> <in wires> <out wires> <op>
// with op XOR, AND, INV, EQW (wire copy), EQ (constant 0/1) or MAND (several
// ANDs on one line). Inputs are wires 0.., outputs the last wires. Blank
// lines are skipped.
//
// Throws CircuitError "<name>:<line>: <reason>" for a malformed file: a
// missing or non-numeric field, an unknown op, a wrong arity, a wire out of
// range, read before definition or written twice, a gate count that does
// not match the header, or trailing text. Thread-safe (no shared state).
Circuit parse_bristol(std::string_view text, const std::string& name);

// Reads and parses the file at `path`. Throws CircuitError when the file
// cannot be read, or as parse_bristol does (named by `path`).
Circuit read_bristol_file(const std::string& path);

}  // namespace pinas::crypto
