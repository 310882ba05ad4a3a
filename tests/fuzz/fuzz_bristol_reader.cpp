// Bristol Fashion text -> Circuit: a clean pinas::Error, or a circuit that
// evaluates (on all-zero inputs, when small enough to be quick).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/circuits/bristol_reader.h"
#include "proto/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto circuit = pinas::crypto::parse_bristol(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz input");
    if (circuit.wire_count() <= (1u << 16) && circuit.gates().size() <= (1u << 16)) {
      const std::vector<std::uint8_t> zeros(circuit.input_wire_count(), 0);
      const auto outputs = circuit.evaluate(zeros);
      if (outputs.size() != circuit.output_wires().size()) __builtin_trap();
    }
  } catch (const pinas::Error&) {
  }
  return 0;
}
