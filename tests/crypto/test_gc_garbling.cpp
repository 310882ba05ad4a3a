// Half-gates garbling in one process: garble, hand the active labels to the
// evaluator, decode, and compare with plaintext evaluation.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "crypto/circuits/bristol_reader.h"
#include "crypto/circuits/hex_bits.h"
#include "crypto/circuits/random_circuit.h"
#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/evaluator.h"
#include "crypto/gc/garbler.h"
#include "crypto/gc/output_decoding.h"
#include "crypto/primitives/correlation_robust_hash.h"
#include "crypto/primitives/fixed_key_aes.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {
namespace {

// Garbles `copies` copies with the given plaintext inputs (copy-major bits)
// and returns the decoded outputs (copy-major bits).
std::vector<std::uint8_t> garble_and_evaluate(const Circuit& circuit, std::size_t copies,
                                              const std::vector<std::uint8_t>& input_bits, Prg& prg,
                                              Garbler& garbler, Evaluator& evaluator) {
  std::size_t inputs = circuit.input_wire_count();
  std::size_t outputs = circuit.output_wires().size();
  std::vector<Block> zero_labels(copies * inputs);
  prg.random_blocks(zero_labels.data(), zero_labels.size());
  std::vector<Block> active(copies * inputs);
  for (std::size_t i = 0; i < active.size(); ++i)
    active[i] = garbler.label_for(zero_labels[i], input_bits[i]);
  std::vector<Block> tables(copies * circuit.and_count() * 2);
  std::vector<Block> output_zero(copies * outputs);
  garbler.garble(circuit, copies, zero_labels, tables, output_zero);
  std::vector<Block> output_active(copies * outputs);
  evaluator.evaluate(circuit, copies, active, tables, output_active);
  return decode_outputs(output_active, pack_colour_bits(output_zero));
}

TEST(GcGarbling, InlinedHashEqualsCorrelationRobustHash) {
  Prg prg(Block::from_uint64(1, 2));
  const Block* keys = FixedKeyAes::instance().round_keys().data();
  for (int i = 0; i < 100; ++i) {
    Block x = prg.random_block();
    std::uint64_t tweak = prg.random_uint64();
    __m128i sigma = detail::sigma(x.value);
    __m128i state = _mm_xor_si128(sigma, detail::tweak(tweak));
    detail::permute<1>(keys, &state);
    EXPECT_EQ(Block(_mm_xor_si128(state, sigma)),
              CorrelationRobustHash::hash(x, domain_tweak(TweakDomain::kHalfGates, tweak)));
  }
}

TEST(GcGarbling, RefusesDeltaWithoutColourBitAndWrongSizes) {
  EXPECT_THROW(Garbler(Block::from_uint64(5, 2)), ProtocolError);
  Garbler garbler(Block::from_uint64(5, 3));
  Circuit circuit = relu_circuit(8, 0);
  std::vector<Block> inputs(24), tables(2 * circuit.and_count()), outputs(7);
  EXPECT_THROW(garbler.garble(circuit, 1, inputs, tables, outputs), ProtocolError);
}

TEST(GcGarbling, TablesAreTwoBlocksPerAnd) {
  // Half-gates: two ciphertexts per AND gate, every one of them written, and
  // a table buffer one block short or long is refused.
  Circuit circuit = relu_circuit(32, 0);
  ASSERT_EQ(circuit.and_count(), 93u);
  const std::size_t copies = 3;
  Prg prg(Block::from_uint64(8, 9));
  Garbler garbler(prg.random_block().with_lsb(true));
  std::vector<Block> zero_labels(copies * circuit.input_wire_count());
  prg.random_blocks(zero_labels.data(), zero_labels.size());
  const Block unwritten = Block::from_uint64(0x5eed5eed5eed5eedULL, 0x5eed5eed5eed5eedULL);
  std::vector<Block> tables(copies * 93 * 2, unwritten);
  std::vector<Block> output_zero(copies * circuit.output_wires().size());
  garbler.garble(circuit, copies, zero_labels, tables, output_zero);
  EXPECT_EQ(std::count(tables.begin(), tables.end(), unwritten), 0);
  EXPECT_EQ(tables.size() * sizeof(Block), copies * 93u * 32u);
  for (std::size_t size : {tables.size() - 1, tables.size() + 1}) {
    std::vector<Block> wrong(size);
    EXPECT_THROW(garbler.garble(circuit, copies, zero_labels, wrong, output_zero), ProtocolError)
        << size;
  }
}

TEST(GcGarbling, TenThousandRandomCircuitsMatchPlaintext) {
  Prg prg(Block::from_uint64(3, 4));
  std::mt19937_64 random(5);
  Block delta = prg.random_block().with_lsb(true);
  Garbler garbler(delta);
  Evaluator evaluator;
  for (int trial = 0; trial < 10000; ++trial) {
    RandomCircuitShape shape;
    shape.garbler_input_wires = 1 + random() % 8;
    shape.evaluator_input_wires = random() % 8;
    shape.gates = 1 + random() % 48;
    shape.output_wires = 1 + random() % 8;
    shape.and_percent = random() % 90;
    shape.not_percent = random() % 10;
    Circuit circuit = random_circuit(shape, trial);
    std::size_t copies = trial % 10 == 0 ? 1 + random() % 40 : 1;
    std::vector<std::uint8_t> bits(copies * circuit.input_wire_count());
    for (auto& bit : bits) bit = random() & 1;
    auto outputs = garble_and_evaluate(circuit, copies, bits, prg, garbler, evaluator);
    std::size_t inputs = circuit.input_wire_count(), outs = circuit.output_wires().size();
    for (std::size_t c = 0; c < copies; ++c) {
      auto want = circuit.evaluate(std::span<const std::uint8_t>(bits).subspan(c * inputs, inputs));
      ASSERT_EQ(
          std::vector<std::uint8_t>(outputs.begin() + c * outs, outputs.begin() + (c + 1) * outs),
          want)
          << "trial " << trial << " copy " << c;
    }
  }
  EXPECT_EQ(garbler.and_index(), evaluator.and_index());
}

TEST(GcGarbling, LargeBatchOfReluCircuitsMatchesPlaintext) {
  Prg prg(Block::from_uint64(6, 7));
  std::mt19937_64 random(8);
  for (std::uint32_t bits : {16u, 37u, 64u}) {
    Circuit circuit = relu_circuit(bits, 3);
    const std::size_t copies = 1000;  // several chunks and a partial one
    std::uint64_t mask = ring_mask(bits);
    std::vector<std::uint64_t> x(copies), garbler_share(copies), output_mask(copies);
    std::vector<std::uint8_t> input_bits;
    for (std::size_t c = 0; c < copies; ++c) {
      x[c] = random() & mask;
      garbler_share[c] = random() & mask;
      output_mask[c] = random() & mask;
      std::uint64_t evaluator_share = (x[c] - garbler_share[c]) & mask;
      for (std::uint64_t word : {garbler_share[c], output_mask[c], evaluator_share}) {
        for (std::uint32_t j = 0; j < bits; ++j) input_bits.push_back((word >> j) & 1);
      }
    }
    Garbler garbler(prg.random_block().with_lsb(true));
    Evaluator evaluator;
    auto outputs = garble_and_evaluate(circuit, copies, input_bits, prg, garbler, evaluator);
    for (std::size_t c = 0; c < copies; ++c) {
      std::uint64_t z = 0;
      for (std::uint32_t j = 0; j < bits; ++j)
        z |= static_cast<std::uint64_t>(outputs[c * bits + j]) << j;
      ASSERT_EQ((z + output_mask[c]) & mask, relu_reference(x[c], bits, 3))
          << bits << " copy " << c;
    }
  }
}

TEST(GcGarbling, SlicedGarblingEqualsOneCall) {
  Circuit circuit = relu_circuit(16, 2);
  const std::size_t copies = 3 * detail::kMaxChunkCopies + 77;
  Prg prg(Block::from_uint64(12, 13));
  Block delta = prg.random_block().with_lsb(true);
  std::vector<Block> labels(copies * circuit.input_wire_count());
  prg.random_blocks(labels.data(), labels.size());
  const std::size_t table_blocks = circuit.and_count() * 2, outputs = circuit.output_wires().size();
  std::vector<Block> whole_tables(copies * table_blocks), whole_outputs(copies * outputs);
  Garbler whole(delta, 1000);
  whole.garble(circuit, copies, labels, whole_tables, whole_outputs);
  std::vector<Block> sliced_tables(copies * table_blocks), sliced_outputs(copies * outputs);
  Garbler sliced(delta, 1000);
  for (std::size_t first = 0; first < copies; first += detail::kMaxChunkCopies) {
    std::size_t n = std::min(detail::kMaxChunkCopies, copies - first);
    sliced.garble(circuit, n,
                  std::span<const Block>(labels).subspan(first * circuit.input_wire_count(),
                                                         n * circuit.input_wire_count()),
                  std::span<Block>(sliced_tables).subspan(first * table_blocks, n * table_blocks),
                  std::span<Block>(sliced_outputs).subspan(first * outputs, n * outputs));
  }
  EXPECT_TRUE(whole_tables == sliced_tables);
  EXPECT_TRUE(whole_outputs == sliced_outputs);
  EXPECT_EQ(whole.and_index(), sliced.and_index());
}

TEST(GcGarbling, Aes128KnownAnswer) {
  std::string path = std::string(PINAS_SOURCE_DIR) + "/../shared/data/bristol/aes_128.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  Circuit circuit = read_bristol_file(path);
  auto bits = bits_from_hex("000102030405060708090a0b0c0d0e0f", 128, "key");
  auto plaintext = bits_from_hex("00112233445566778899aabbccddeeff", 128, "plaintext");
  bits.insert(bits.end(), plaintext.begin(), plaintext.end());
  Prg prg(Block::from_uint64(9, 10));
  Garbler garbler(prg.random_block().with_lsb(true));
  Evaluator evaluator;
  auto outputs = garble_and_evaluate(circuit, 1, bits, prg, garbler, evaluator);
  EXPECT_EQ(hex_from_bits(outputs), "69c4e0d86a7b0430d8cdb78070b4c55a");
}

}  // namespace
}  // namespace pinas::crypto
