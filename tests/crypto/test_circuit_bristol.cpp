// Bristol Fashion import: the AES-128 known answer (plaintext evaluation),
// every supported gate kind, and refusal of malformed files with the line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/circuits/bristol_reader.h"
#include "crypto/circuits/hex_bits.h"

namespace pinas::crypto {
namespace {

std::string shared_bristol_path(const std::string& file) {
  return std::string(PINAS_SOURCE_DIR) + "/../shared/data/bristol/" + file;
}

TEST(Bristol, Aes128KnownAnswerInPlaintext) {
  std::string path = shared_bristol_path("aes_128.txt");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  Circuit circuit = read_bristol_file(path);
  EXPECT_EQ(circuit.and_count(), 6400u);
  EXPECT_EQ(circuit.input_sizes(), (std::vector<std::uint32_t>{128, 128}));
  auto key = bits_from_hex("000102030405060708090a0b0c0d0e0f", 128, "key");
  auto plaintext = bits_from_hex("00112233445566778899aabbccddeeff", 128, "plaintext");
  std::vector<std::uint8_t> inputs = key;
  inputs.insert(inputs.end(), plaintext.begin(), plaintext.end());
  EXPECT_EQ(hex_from_bits(circuit.evaluate(inputs)), "69c4e0d86a7b0430d8cdb78070b4c55a");
}

TEST(Bristol, ParsesEveryGateKind) {
  // inputs a (wire 0), b (wire 1); outputs: a^b, a&b, !a, copy of b, 1, a&b via MAND
  const char* text =
      "7 9\n"
      "2 1 1\n"
      "1 6\n"
      "\n"
      "2 1 0 1 2 XOR\n"
      "2 1 0 1 3 AND\n"
      "1 1 0 4 INV\n"
      "1 1 1 5 EQW\n"
      "1 1 1 6 EQ\n"
      "4 2 0 0 1 1 7 8 MAND\n"
      "2 1 2 3 9 XOR\n";
  // The last gate writes wire 9, beyond 9 wires: refused. Fix the header.
  EXPECT_THROW(parse_bristol(text, "t"), CircuitError);
  std::string fixed = "7 10" + std::string(text).substr(3);
  // outputs are the last 6 wires: 4..9
  Circuit circuit = parse_bristol(fixed, "t");
  for (int a = 0; a < 2; ++a) {
    for (int b = 0; b < 2; ++b) {
      std::vector<std::uint8_t> in{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)};
      auto out = circuit.evaluate(in);
      std::vector<std::uint8_t> want{static_cast<std::uint8_t>(1 - a),
                                     static_cast<std::uint8_t>(b),
                                     1,
                                     static_cast<std::uint8_t>(a & b),
                                     static_cast<std::uint8_t>(a & b),
                                     static_cast<std::uint8_t>((a ^ b) ^ (a & b))};
      EXPECT_EQ(out, want);
    }
  }
}

void expect_refused(const std::string& text, const std::string& where, const std::string& reason) {
  try {
    parse_bristol(text, "bad.txt");
    FAIL() << "accepted: " << text;
  } catch (const CircuitError& error) {
    EXPECT_THAT(error.what(), ::testing::StartsWith("bad.txt:" + where + ": ")) << error.what();
    EXPECT_THAT(error.what(), ::testing::HasSubstr(reason));
  }
}

TEST(Bristol, RefusesMalformedFilesWithTheLineNumber) {
  expect_refused("", "1", "empty");
  expect_refused("1\n", "1", "first line");
  expect_refused("1 x\n", "1", "expected a number");
  expect_refused("1 3\n2 1\n", "2", "declares 2 values");
  expect_refused("1 3\n2 1 1\n", "3", "missing the outputs");
  expect_refused("1 3\n2 1 1\n1 1\n2 1 0 1 2 NAND\n", "4", "unknown gate 'NAND'");
  expect_refused("1 3\n2 1 1\n1 1\n2 1 0 7 2 AND\n", "4", "beyond");
  expect_refused("2 4\n2 1 1\n1 1\n2 1 0 3 2 AND\n2 1 0 1 3 XOR\n", "4",
                 "read before it is defined");
  expect_refused("2 3\n2 1 1\n1 1\n2 1 0 1 2 AND\n2 1 0 1 2 XOR\n", "5", "written twice");
  expect_refused("2 3\n2 1 1\n1 1\n2 1 0 1 2 AND\n", "5",
                 "declares 2 gates but the file ends after 1");
  expect_refused("1 3\n2 1 1\n1 1\n2 1 0 1 2 AND\n2 1 0 1 2 AND\n", "5", "text after");
  expect_refused("1 3\n2 1 1\n1 1\n2 1 0 1 2 3 AND\n", "4", "needs 6 fields");
  expect_refused("1 3\n2 1 1\n1 1\n1 1 0 2 AND\n", "4", "AND takes 2 input(s)");
  expect_refused("1 3\n2 1 1\n1 1\n1 1 2 2 EQ\n", "4", "constant 0 or 1");
  expect_refused("1 4\n2 1 1\n1 1\n2 1 0 1 2 AND\n", "5", "output wire 3 is never defined");
  expect_refused("1 3\n\n2 1 1\n\n1 1\n\n2 1 0 1 -2 AND\n", "7", "expected a number");
}

TEST(Bristol, MissingFileIsRefused) {
  EXPECT_THROW(read_bristol_file("/nonexistent/circuit.txt"), CircuitError);
}

TEST(HexBits, RoundTripsAndRefusesBadDigits) {
  auto bits = bits_from_hex("0x1f", 8, "x");
  EXPECT_EQ(bits, (std::vector<std::uint8_t>{1, 1, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(hex_from_bits(bits), "1f");
  EXPECT_EQ(bits_from_hex("00ff", 8, "x").size(), 8u);
  EXPECT_THROW(bits_from_hex("1ff", 8, "x"), CircuitError);
  EXPECT_THROW(bits_from_hex("12g", 12, "x"), CircuitError);
  EXPECT_THROW(bits_from_hex("", 12, "x"), CircuitError);
}

}  // namespace
}  // namespace pinas::crypto
