#include "crypto/he/decryptor.h"

#include <string>

#include "crypto/he/he_error.h"

namespace pinas::he {

std::vector<uint128> Decryptor::phases(const SwitchedCiphertext& ciphertext,
                                       std::span<const std::uint32_t> positions) const {
  const std::uint32_t bits = ciphertext.bits;
  if (bits != context_.parameters().switched_bits() || ciphertext.a.size() != context_.degree() ||
      ciphertext.b.size() != positions.size()) {
    throw HeError("decryptor: a switched ciphertext of " + std::to_string(bits) + " bits with " +
                  std::to_string(ciphertext.a.size()) + " + " +
                  std::to_string(ciphertext.b.size()) +
                  " coefficients does not match the parameters and positions");
  }
  const auto as = context_.multiply_ternary_mod_power_of_two(ciphertext.a, secret_.ntt, bits);
  const uint128 mask = (static_cast<uint128>(1) << bits) - 1;
  std::vector<uint128> result(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] >= context_.degree()) throw HeError("decryptor: position out of range");
    result[i] = (ciphertext.b[i] + as[positions[i]]) & mask;
  }
  return result;
}

std::vector<std::uint64_t> Decryptor::decrypt(const SwitchedCiphertext& ciphertext,
                                              std::span<const std::uint32_t> positions) const {
  const auto phase = phases(ciphertext, positions);
  const std::uint32_t shift = ciphertext.bits - context_.plaintext_bits();
  const uint128 half = static_cast<uint128>(1) << (shift - 1);
  const std::uint32_t t_bits = context_.plaintext_bits();
  const std::uint64_t t_mask = t_bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << t_bits) - 1;
  std::vector<std::uint64_t> result(positions.size());
  for (std::size_t i = 0; i < phase.size(); ++i) {
    result[i] = static_cast<std::uint64_t>((phase[i] + half) >> shift) & t_mask;
  }
  return result;
}

std::vector<__int128> Decryptor::noise(const SwitchedCiphertext& ciphertext,
                                       std::span<const std::uint32_t> positions,
                                       std::span<const std::uint64_t> expected) const {
  const auto phase = phases(ciphertext, positions);
  if (expected.size() != phase.size())
    throw HeError("decryptor: expected values of the wrong size");
  const std::uint32_t bits = ciphertext.bits, shift = bits - context_.plaintext_bits();
  const uint128 modulus = static_cast<uint128>(1) << bits, mask = modulus - 1;
  std::vector<__int128> result(phase.size());
  for (std::size_t i = 0; i < phase.size(); ++i) {
    const uint128 difference = (phase[i] - (static_cast<uint128>(expected[i]) << shift)) & mask;
    result[i] = difference >= modulus / 2
                    ? static_cast<__int128>(difference) - static_cast<__int128>(modulus)
                    : static_cast<__int128>(difference);
  }
  return result;
}

}  // namespace pinas::he
