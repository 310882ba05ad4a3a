#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crypto/primitives/block.h"

namespace pinas::crypto::detail {

// Thin helpers over libsodium's ristretto255 for the base OTs; kept here so
// <sodium.h> stays out of public headers.
using Point = std::array<uint8_t, 32>;
using Scalar = std::array<uint8_t, 32>;

// A uniformly random scalar (64 bytes from getrandom, reduced mod the group
// order). Initialises libsodium on first use; throws ProtocolError if it
// cannot.
Scalar random_scalar();
// scalar·G.
Point multiply_base(const Scalar& scalar);
// scalar·point. Throws ProtocolError naming `what` if the result is the
// identity (a point of small order or zero from the peer).
Point multiply(const Scalar& scalar, const Point& point, const std::string& what);
Point add(const Point& a, const Point& b);
Point subtract(const Point& a, const Point& b);
// Throws ProtocolError naming `what` unless `point` is a canonical encoding
// of a non-identity ristretto255 element.
void require_valid_point(const Point& point, const std::string& what);
// Constant-time select: `one` when bit is true, else `zero`.
Point select(const Point& zero, const Point& one, bool bit);
// H(index, A, B, shared) truncated to 128 bits (BLAKE2b with a domain tag).
Block hash_key(uint64_t index, const Point& sender_point, const Point& receiver_point,
               const Point& shared_point);

}  // namespace pinas::crypto::detail
