// Inputs the fuzz harness tests/fuzz/fuzz_bristol_reader found, kept as
// regression tests: each must give a clean pinas::Error naming the input.
#include <gtest/gtest.h>

#include <string>

#include "crypto/circuits/bristol_reader.h"
#include "proto/error.h"

namespace pinas::crypto {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_bristol(text, "regression.txt");
  } catch (const pinas::Error& error) {
    return error.what();
  }
  return "";
}

TEST(BristolFuzzRegressions, HugeDeclaredGateCountIsRefusedBeforeAllocating) {
  // Found by libFuzzer: 13,333,333,333 gates declared in a 40-byte file made
  // the reader reserve 200 GB (AddressSanitizer: out of memory).
  const std::string message = error_of("13333333333 3\n2 1 1\n1 1\n\n2 1 0 1.2 A ND\n");
  EXPECT_NE(message.find("regression.txt"), std::string::npos) << message;
  EXPECT_NE(message.find("declares 13333333333 gates, more than a file of 40 bytes can hold"),
            std::string::npos)
      << message;
}

TEST(BristolFuzzRegressions, HugeDeclaredWireCountIsRefusedBeforeAllocating) {
  // 2^30 wires (4 GB of wire map) declared by a file of a few bytes.
  const std::string message = error_of("1 1073741824\n2 1 1\n1 1\n\n2 1 0 1 2 AND\n");
  EXPECT_NE(message.find("declares 1073741824 wires, more than a file of"), std::string::npos)
      << message;
}

TEST(BristolFuzzRegressions, SmallValidCircuitStillParses) {
  const Circuit circuit = parse_bristol("1 3\n2 1 1\n1 1\n\n2 1 0 1 2 AND\n", "and.txt");
  EXPECT_EQ(circuit.and_count(), 1u);
  EXPECT_EQ(circuit.evaluate(std::vector<std::uint8_t>{1, 1}), std::vector<std::uint8_t>{1});
}

}  // namespace
}  // namespace pinas::crypto
