// Known-answer and property tests of the crypto primitives: AES-128 against
// FIPS-197, the PRG's determinism, the correlation-robust hash's definition,
// the bit-matrix transpose against a naive reference, BitVector.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "crypto/primitives/aes.h"
#include "crypto/primitives/bit_matrix_transpose.h"
#include "crypto/primitives/bit_vector.h"
#include "crypto/primitives/block.h"
#include "crypto/primitives/correlation_robust_hash.h"
#include "crypto/primitives/crypto_error.h"
#include "crypto/primitives/fixed_key_aes.h"
#include "crypto/primitives/os_random.h"
#include "crypto/primitives/prg.h"

namespace pinas::crypto {
namespace {

// Parses 32 hex digits in FIPS-197 byte order (first byte first).
Block from_hex_bytes(const std::string& hex) {
  uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return Block::load(bytes);
}

std::string to_hex_bytes(const Block& block) {
  uint8_t bytes[16];
  block.store(bytes);
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

TEST(Block, OperatorsAndBits) {
  Block a = Block::from_uint64(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
  Block b = Block::from_uint64(0xffff0000ffff0000ULL, 0x00000000ffffffffULL);
  EXPECT_EQ((a ^ b).high(), 0x0123456789abcdefULL ^ 0xffff0000ffff0000ULL);
  EXPECT_EQ((a & b).low(), 0xfedcba9876543210ULL & 0x00000000ffffffffULL);
  EXPECT_EQ((a | b).low(), 0xfedcba9876543210ULL | 0x00000000ffffffffULL);
  EXPECT_EQ(a ^ a, Block::zero());
  EXPECT_EQ(Block::all_ones().low(), ~uint64_t{0});
  EXPECT_EQ(Block::all_ones().high(), ~uint64_t{0});
  EXPECT_FALSE(a.lsb());
  EXPECT_TRUE(a.with_lsb(true).lsb());
  EXPECT_EQ(a.with_lsb(true).with_lsb(false), a);
  EXPECT_TRUE(a.bit(64));   // low bit of 0x...ef
  EXPECT_FALSE(a.bit(0));   // low bit of 0x...10
  EXPECT_TRUE(a.bit(4));
  EXPECT_EQ(Block::mask(true), Block::all_ones());
  EXPECT_EQ(Block::mask(false), Block::zero());
  uint8_t bytes[16];
  a.store(bytes);
  EXPECT_EQ(bytes[0], 0x10);
  EXPECT_EQ(bytes[15], 0x01);
  EXPECT_EQ(Block::load(bytes), a);
  EXPECT_EQ(a.to_hex(), "0123456789abcdeffedcba9876543210");
  std::vector<Block> blocks(3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(blocks.data()) % 16, 0u);
  EXPECT_EQ(blocks[2], Block::zero());
}

TEST(Aes, Fips197AppendixB) {
  Aes aes(from_hex_bytes("2b7e151628aed2a6abf7158809cf4f3c"));
  EXPECT_EQ(to_hex_bytes(aes.encrypt(from_hex_bytes("3243f6a8885a308d313198a2e0370734"))),
            "3925841d02dc09fbdc118597196a0b32");
  // Appendix A.1: the last round key w[40..43].
  EXPECT_EQ(to_hex_bytes(aes.round_keys()[10]), "d014f9a8c9ee2589e13f0cc8b6630ca6");
}

TEST(Aes, Fips197AppendixC1) {
  Aes aes(from_hex_bytes("000102030405060708090a0b0c0d0e0f"));
  EXPECT_EQ(to_hex_bytes(aes.encrypt(from_hex_bytes("00112233445566778899aabbccddeeff"))),
            "69c4e0d86a7b0430d8cdb78070b4c55a");
}

TEST(Aes, BatchedMatchesSingleBlock) {
  Aes aes(Block::from_uint64(17, 42));
  for (size_t count : {0u, 1u, 7u, 8u, 9u, 31u, 100u}) {
    std::vector<Block> in(count);
    for (size_t i = 0; i < count; ++i) in[i] = Block::from_uint64(i * 3, i * 7 + 1);
    std::vector<Block> out(count);
    aes.encrypt_blocks(in.data(), out.data(), count);
    for (size_t i = 0; i < count; ++i) EXPECT_EQ(out[i], aes.encrypt(in[i])) << count << " " << i;
    aes.encrypt_in_place(in.data(), count);
    EXPECT_EQ(in, out);
  }
}

TEST(Aes, CounterModeCarriesIntoHighWord) {
  Aes aes(Block::from_uint64(1, 2));
  std::vector<Block> out(10);
  aes.encrypt_counter(5, ~uint64_t{0} - 4, out.data(), out.size());
  for (uint64_t i = 0; i < 10; ++i) {
    uint64_t low = ~uint64_t{0} - 4 + i;
    uint64_t high = i >= 5 ? 6 : 5;
    EXPECT_EQ(out[i], aes.encrypt(Block::from_uint64(high, low))) << i;
  }
}

TEST(FixedKeyAes, IsAesUnderThePublicKey) {
  // The key is pi's fractional digits 243F6A88 85A308D3 13198A2E 03707344 as
  // Block(high, low); in memory (AES byte order) the low word comes first.
  EXPECT_EQ(to_hex_bytes(FixedKeyAes::key()), "447370032e8a1913d308a385886a3f24");
  // Known answers from an independent AES (OpenSSL's aes-128-ecb) under that key.
  EXPECT_EQ(to_hex_bytes(FixedKeyAes::instance().encrypt(Block::from_uint64(99, 100))),
            "2ba28dfc69fa5b9b03776dba430ac09a");
  EXPECT_EQ(to_hex_bytes(FixedKeyAes::instance().encrypt(Block::from_uint64(0, 0))),
            "a0ea3ab04b2fa683f7f0179211cd3ebc");
  EXPECT_EQ(&FixedKeyAes::instance(), &FixedKeyAes::instance());
}

TEST(Prg, DeterministicFromSeedAndStream) {
  Block seed = Block::from_uint64(0xabc, 0xdef);
  Prg first(seed);
  Prg second(seed);
  std::vector<Block> a(37), b(37);
  first.random_blocks(a.data(), a.size());
  second.random_blocks(b.data(), 20);
  second.random_blocks(b.data() + 20, 17);
  EXPECT_EQ(a, b);
  // Output i is AES_seed(stream · 2^64 + i).
  Aes aes(seed);
  EXPECT_EQ(a[5], aes.encrypt(Block::from_uint64(0, 5)));
  Prg other_stream(seed, 1);
  EXPECT_NE(other_stream.random_block(), a[0]);
  Prg other_seed(Block::from_uint64(0xabc, 0xdee));
  EXPECT_NE(other_seed.random_block(), a[0]);
  first.reseed(seed);
  EXPECT_EQ(first.random_block(), a[0]);
  EXPECT_EQ(first.blocks_used(), 1u);
}

TEST(Prg, BytesBitsAndIntegersAreBalanced) {
  Prg prg(Block::from_uint64(1, 1));
  BitVector bits = prg.random_bits(100000);
  size_t ones = 0;
  for (size_t i = 0; i < bits.size(); ++i) ones += bits[i];
  EXPECT_NEAR(static_cast<double>(ones) / 100000.0, 0.5, 0.01);
  // Padding past size() stays zero.
  BitVector odd = prg.random_bits(131);
  for (size_t i = 131; i < 256; ++i) EXPECT_EQ((odd.data()[i / 8] >> (i % 8)) & 1, 0) << i;
  std::vector<uint8_t> bytes(33);
  prg.random_bytes(bytes.data(), bytes.size());
  std::set<uint8_t> distinct(bytes.begin(), bytes.end());
  EXPECT_GT(distinct.size(), 20u);
  EXPECT_NE(prg.random_uint64(), prg.random_uint64());
}

TEST(OsRandom, ProducesDistinctValues) {
  EXPECT_NE(os_random_block(), os_random_block());
  EXPECT_NE(os_random_uint64(), os_random_uint64());
  Prg first;
  Prg second;
  EXPECT_NE(first.random_block(), second.random_block());
}

TEST(CorrelationRobustHash, MatchesDefinition) {
  const Aes& pi = FixedKeyAes::instance();
  Block x = Block::from_uint64(0x1111222233334444ULL, 0x5555666677778888ULL);
  Block sigma = CorrelationRobustHash::sigma(x);
  EXPECT_EQ(sigma.high(), 0x1111222233334444ULL ^ 0x5555666677778888ULL);
  EXPECT_EQ(sigma.low(), 0x1111222233334444ULL);
  EXPECT_EQ(CorrelationRobustHash::hash(x), pi.encrypt(sigma) ^ sigma);
  Block tweak = Block::from_uint64(0, 12345);
  EXPECT_EQ(CorrelationRobustHash::hash(x, tweak), pi.encrypt(sigma ^ tweak) ^ sigma);
  EXPECT_EQ(CorrelationRobustHash::hash(x, uint64_t{12345}), CorrelationRobustHash::hash(x, tweak));
  EXPECT_NE(CorrelationRobustHash::hash(x, uint64_t{1}), CorrelationRobustHash::hash(x, uint64_t{2}));
}

TEST(CorrelationRobustHash, SigmaIsALinearOrthomorphism) {
  Prg prg(Block::from_uint64(3, 4));
  for (int trial = 0; trial < 100; ++trial) {
    Block a = prg.random_block();
    Block b = prg.random_block();
    using H = CorrelationRobustHash;
    EXPECT_EQ(H::sigma(a ^ b), H::sigma(a) ^ H::sigma(b));
    // σ(x) ⊕ x = 0 only at x = 0 (so x ↦ σ(x) ⊕ x is a permutation).
    EXPECT_NE(H::sigma(a) ^ a, Block::zero());
  }
}

TEST(CorrelationRobustHash, BatchedMatchesSingle) {
  Prg prg(Block::from_uint64(5, 6));
  for (size_t count : {1u, 8u, 13u, 64u}) {
    std::vector<Block> in(count), tweaks(count), out(count);
    prg.random_blocks(in.data(), count);
    prg.random_blocks(tweaks.data(), count);
    CorrelationRobustHash::hash_blocks(in.data(), out.data(), count);
    for (size_t k = 0; k < count; ++k) EXPECT_EQ(out[k], CorrelationRobustHash::hash(in[k]));
    CorrelationRobustHash::hash_blocks(in.data(), out.data(), count, 1000);
    for (size_t k = 0; k < count; ++k) {
      EXPECT_EQ(out[k], CorrelationRobustHash::hash(in[k], uint64_t{1000 + k}));
    }
    CorrelationRobustHash::hash_blocks(in.data(), tweaks.data(), out.data(), count);
    for (size_t k = 0; k < count; ++k) {
      EXPECT_EQ(out[k], CorrelationRobustHash::hash(in[k], tweaks[k]));
    }
    std::vector<Block> in_place = in;
    CorrelationRobustHash::hash_blocks(in_place.data(), in_place.data(), count, 7);
    for (size_t k = 0; k < count; ++k) {
      EXPECT_EQ(in_place[k], CorrelationRobustHash::hash(in[k], uint64_t{7 + k}));
    }
  }
}

bool naive_bit(const std::vector<uint8_t>& matrix, size_t columns, size_t row, size_t column) {
  return (matrix[row * columns / 8 + column / 8] >> (column % 8)) & 1;
}

TEST(BitMatrixTranspose, MatchesNaiveReference) {
  std::mt19937_64 random(2024);
  for (auto [rows, columns] : std::vector<std::pair<size_t, size_t>>{
           {8, 8}, {16, 8}, {24, 40}, {128, 128}, {128, 1024}, {136, 72}, {1024, 128}}) {
    std::vector<uint8_t> in(rows * columns / 8);
    for (auto& byte : in) byte = static_cast<uint8_t>(random());
    std::vector<uint8_t> out(in.size());
    transpose_bit_matrix(in.data(), out.data(), rows, columns);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns; ++c) {
        ASSERT_EQ(naive_bit(out, rows, c, r), naive_bit(in, columns, r, c))
            << rows << "x" << columns << " at " << r << "," << c;
      }
    }
    std::vector<uint8_t> back(in.size());
    transpose_bit_matrix(out.data(), back.data(), columns, rows);
    EXPECT_EQ(back, in);
  }
}

TEST(BitMatrixTranspose, Square128InPlace) {
  Prg prg(Block::from_uint64(8, 9));
  std::vector<Block> rows(128);
  prg.random_blocks(rows.data(), rows.size());
  std::vector<Block> original = rows;
  transpose_128x128(rows.data());
  for (unsigned i = 0; i < 128; ++i) {
    for (unsigned j = 0; j < 128; ++j) ASSERT_EQ(rows[j].bit(i), original[i].bit(j));
  }
  transpose_128x128(rows.data());
  EXPECT_EQ(rows, original);
}

TEST(BitVector, SetGetXorAndConversions) {
  BitVector bits(200);
  EXPECT_EQ(bits.size(), 200u);
  EXPECT_EQ(bits.block_count(), 2u);
  bits.set(0, true);
  bits.set(129, true);
  bits.set(199, true);
  EXPECT_TRUE(bits[0]);
  EXPECT_FALSE(bits[1]);
  EXPECT_TRUE(bits.block(1).bit(1));
  bits.set(0, false);
  EXPECT_FALSE(bits[0]);
  std::vector<uint8_t> per_bit = {1, 0, 0, 7, 1};
  BitVector from_bytes = BitVector::from_bytes_per_bit(per_bit);
  bool bools[] = {true, false, false, true, true};
  EXPECT_EQ(from_bytes, BitVector::from_bools(bools));
  BitVector ones = BitVector::from_bools(bools);
  BitVector xored = from_bytes ^ ones;
  for (size_t i = 0; i < 5; ++i) EXPECT_FALSE(xored[i]);
  EXPECT_THROW(from_bytes ^ bits, ProtocolError);
  bits.resize(130);
  EXPECT_TRUE(bits[129]);
  bits.resize(129);
  bits.resize(200);
  EXPECT_FALSE(bits[129]);
  EXPECT_FALSE(bits[199]);
}

}  // namespace
}  // namespace pinas::crypto
