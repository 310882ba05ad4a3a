#pragma once

#include <cstdint>
#include <string>

#include "crypto/net/channel.h"
#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi {

// The private-inference session protocol (semi-honest, Delphi-style).
//
// Roles. The server holds the model (weights); it is the garbler. The
// client holds the input; it is the evaluator. The client learns the public
// description (architecture, ReLU masks, polynomial coefficients, input
// normalization, fixed-point parameters) and the logits; the server learns
// nothing about the input.
//
// Invariant. Every tensor t is additively shared in Z_{2^ℓ}: t = S_t + C_t.
// The client's share C_t is fixed in the offline phase (it is derived from
// the client's random choices and offline results only); the server's share
// S_t is computed online. That is what lets all OTs and all garbling run
// offline.
//
// Hello (both phases below run once per connection):
//   client -> server  magic "PINASPI1", session version, requested ring bits (0: any)
//   server -> client  "ok" or "refused: <reason>" (busy, wrong ring, bad hello)
//   server -> client  the public description (model envelope) and the config
//   both              crypto::handshake(version, ℓ, κ = 128, structure digest)
//
// Offline, step by step in program order (both parties walk the same
// compiled program):
//   input         the client picks C_in uniformly at random.
//   linear L      the configured LinearPreprocessing (homomorphic
//                 encryption by default, or Gilboa products on correlated
//                 OT) gives shares U_s + U_c = L(C_in); C_out = U_c.
//   pool, add, concat, reshape, zero
//                 the client applies the op to its shares (linear, local).
//   garbled (ReLU, truncation, max pool)
//                 the server garbles one circuit per element (batch), the
//                 client gets the labels of C_in by OT; the server keeps its
//                 random output masks m. The client picks C_out at random.
//   Circa ReLU    offline part of CircaReluGarbler/Evaluator on C_in; C_mid
//                 random; then a truncation batch as above when needed.
//   polynomial    the server picks a at random; Gilboa gives shares of a·C_in
//                 (a Beaver-style triple (a, C_in, a·C_in)); C_out random.
// Online:
//   input         the client sends x - C_in; S_in = x - C_in.
//   linear L      S_out = L(S_in) + bias + U_s (no communication).
//   local ops     on S as on C.
//   garbled       the server sends the labels of S_in; the client evaluates,
//                 gets z - m and sends z - m - C_out; S_out = m + that.
//   Circa         the Circa online phase gives shares of x·sign; the client
//                 sends its share minus C_mid; then the truncation batch.
//   polynomial    the server sends e = S_in - a; with S_in·C_in = e·C_in +
//                 a·C_in both compute shares of c2·x² + c1·2^s·x + c0·2^2s;
//                 the client sends its share minus C_out.
//   output        the server sends S_out; the client adds C_out: the logits.
// Each garbled or polynomial layer costs one round trip; linear layers none.
//
// Average pooling: the window sum is exact on shares; the division by k² is
// folded into the scale when k² is a power of two, else it is a multiply by
// round(2^f/k²) (the reference does the same, so they agree bit for bit).

// The magic number opening a client's hello ("PINASPI1", little-endian).
inline constexpr std::uint64_t kSessionMagic = 0x31495053414E4950ULL;
// Version of this session protocol; bumped on incompatible changes.
inline constexpr std::uint64_t kSessionVersion = 2;
// The largest public description a client accepts.
inline constexpr std::size_t kMaxDescriptionBytes = std::size_t{64} << 20;

// Writes / reads the fixed-point config (with the linear backend) as seven
// uint64 words. read_config
// throws SessionError on out-of-range values.
void send_config(crypto::Channel& channel, const FixedPointConfig& config);
FixedPointConfig receive_config(crypto::Channel& channel);

// Both parties: the crypto handshake on (ℓ, κ, structure digest). Throws
// crypto::HandshakeError on a mismatch.
void handshake_network(crypto::Channel& channel, const FixedPointNetwork& network);

}  // namespace pinas::pi
