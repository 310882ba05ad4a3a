#include "crypto/ot/detail/ristretto.h"

#include <sodium.h>

#include <cstring>

#include "crypto/primitives/crypto_error.h"
#include "crypto/primitives/os_random.h"

namespace pinas::crypto::detail {
namespace {

void ensure_sodium() {
  static const int status = sodium_init();
  if (status < 0) throw ProtocolError("base OT: libsodium failed to initialise");
}

bool is_identity(const Point& point) {
  uint8_t any = 0;
  for (uint8_t byte : point) any |= byte;
  return any == 0;
}

}  // namespace

Scalar random_scalar() {
  ensure_sodium();
  uint8_t wide[crypto_core_ristretto255_NONREDUCEDSCALARBYTES];
  os_random_bytes(wide, sizeof(wide));
  Scalar scalar;
  crypto_core_ristretto255_scalar_reduce(scalar.data(), wide);
  sodium_memzero(wide, sizeof(wide));
  return scalar;
}

Point multiply_base(const Scalar& scalar) {
  Point point;
  if (crypto_scalarmult_ristretto255_base(point.data(), scalar.data()) != 0) {
    throw ProtocolError("base OT: a random scalar was zero");
  }
  return point;
}

Point multiply(const Scalar& scalar, const Point& point, const std::string& what) {
  Point result;
  if (crypto_scalarmult_ristretto255(result.data(), scalar.data(), point.data()) != 0) {
    throw ProtocolError("base OT: " + what + " gives the identity element");
  }
  return result;
}

Point add(const Point& a, const Point& b) {
  Point sum;
  crypto_core_ristretto255_add(sum.data(), a.data(), b.data());
  return sum;
}

Point subtract(const Point& a, const Point& b) {
  Point difference;
  crypto_core_ristretto255_sub(difference.data(), a.data(), b.data());
  return difference;
}

void require_valid_point(const Point& point, const std::string& what) {
  ensure_sodium();
  if (is_identity(point) || crypto_core_ristretto255_is_valid_point(point.data()) != 1) {
    throw ProtocolError("base OT: " + what + " is not a valid ristretto255 point");
  }
}

Point select(const Point& zero, const Point& one, bool bit) {
  auto mask = static_cast<uint8_t>(-static_cast<int>(bit));
  Point result;
  for (size_t i = 0; i < result.size(); ++i) {
    result[i] = static_cast<uint8_t>(zero[i] ^ (mask & (zero[i] ^ one[i])));
  }
  return result;
}

Block hash_key(uint64_t index, const Point& sender_point, const Point& receiver_point,
               const Point& shared_point) {
  static const char kTag[] = "pinas base OT v1";
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 16);
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kTag), sizeof(kTag));
  uint8_t index_bytes[8];
  for (int i = 0; i < 8; ++i) index_bytes[i] = static_cast<uint8_t>(index >> (8 * i));
  crypto_generichash_update(&state, index_bytes, sizeof(index_bytes));
  crypto_generichash_update(&state, sender_point.data(), sender_point.size());
  crypto_generichash_update(&state, receiver_point.data(), receiver_point.size());
  crypto_generichash_update(&state, shared_point.data(), shared_point.size());
  uint8_t digest[16];
  crypto_generichash_final(&state, digest, sizeof(digest));
  return Block::load(digest);
}

}  // namespace pinas::crypto::detail
