// The Delphi-style share-circuit protocol (offline garbling, online labels)
// for ReLU, truncation and max pool, over real loopback TCP: reconstructed
// output shares must equal the plaintext result exactly.
#include <gtest/gtest.h>

#include <future>
#include <random>

#include "crypto/circuits/share_circuits.h"
#include "crypto/gc/evaluator_party.h"
#include "crypto/gc/garbler_party.h"
#include "crypto/gc/share_circuit_evaluator.h"
#include "crypto/gc/share_circuit_garbler.h"
#include "crypto/net/local_channel.h"
#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"

namespace pinas::crypto {
namespace {

std::pair<std::unique_ptr<TcpChannel>, std::unique_ptr<TcpChannel>> tcp_pair() {
  TcpListener listener(0);
  auto client = std::async(std::launch::async, [port = listener.port()] {
    return TcpChannel::connect("127.0.0.1", port);
  });
  auto server = listener.accept(std::chrono::milliseconds(10000));
  return {std::move(server), client.get()};
}

std::vector<std::uint64_t> edge_values(std::uint32_t bits) {
  std::uint64_t mask = ring_mask(bits);
  std::uint64_t quarter = std::uint64_t{1} << (bits - 2);
  std::uint64_t half = std::uint64_t{1} << (bits - 1);
  return {0,    1,        mask,     quarter, (0 - quarter) & mask,
          half, half - 1, half + 1, 2,       (0 - std::uint64_t{2}) & mask};
}

// Runs one batch of `circuit` on the values x (one per copy, or `window` per
// copy for max pool) and returns the reconstructed results.
std::vector<std::uint64_t> run_batch(const Circuit& circuit, std::uint32_t bits,
                                     const std::vector<std::uint64_t>& x, std::uint64_t seed,
                                     Channel& garbler_channel, Channel& evaluator_channel,
                                     std::size_t copies) {
  std::mt19937_64 random(seed);
  std::uint64_t mask = ring_mask(bits);
  std::vector<std::uint64_t> garbler_shares(x.size()), evaluator_shares(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    garbler_shares[i] = random() & mask;
    evaluator_shares[i] = (x[i] - garbler_shares[i]) & mask;
  }
  auto garbler_side = std::async(std::launch::async, [&] {
    GarblerParty party(garbler_channel);
    ShareCircuitGarbler garbler(party, circuit, bits);
    std::vector<std::uint64_t> masks = garbler.offline(copies);
    garbler.online(garbler_shares);
    return masks;
  });
  EvaluatorParty party(evaluator_channel);
  ShareCircuitEvaluator evaluator(party, circuit, bits);
  evaluator.offline(evaluator_shares);
  std::vector<std::uint64_t> masked = evaluator.online();
  std::vector<std::uint64_t> masks = garbler_side.get();
  std::vector<std::uint64_t> results(copies);
  for (std::size_t c = 0; c < copies; ++c) results[c] = (masked[c] + masks[c]) & mask;
  return results;
}

TEST(ReluProtocol, ReluAndTruncationSharesReconstructExactlyOverTcp) {
  std::mt19937_64 random(31);
  for (std::uint32_t bits : {16u, 32u, 37u, 64u}) {
    std::uint64_t mask = ring_mask(bits);
    std::vector<std::uint64_t> x = edge_values(bits);
    for (int i = 0; i < 500; ++i) x.push_back(random() & mask);
    for (int i = 0; i < 100; ++i) x.push_back((random() % 2001 - 1000) & mask);  // small magnitudes
    for (std::uint32_t fractional : {0u, 12u}) {
      Circuit relu = relu_circuit(bits, fractional);
      Circuit truncation = truncation_circuit(bits, fractional);
      auto [server, client] = tcp_pair();
      auto relu_results =
          run_batch(relu, bits, x, bits * 100 + fractional, *server, *client, x.size());
      auto truncation_results =
          run_batch(truncation, bits, x, bits * 100 + fractional + 1, *server, *client, x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(relu_results[i], relu_reference(x[i], bits, fractional)) << bits << " x=" << x[i];
        ASSERT_EQ(truncation_results[i], truncation_reference(x[i], bits, fractional))
            << bits << " x=" << x[i];
      }
    }
  }
}

TEST(ReluProtocol, MaxPoolSharesReconstructExactly) {
  std::mt19937_64 random(32);
  const std::uint32_t bits = 37, window = 4;
  std::uint64_t mask = ring_mask(bits);
  Circuit circuit = max_pool_circuit(bits, window, 5, true);
  std::vector<std::uint64_t> x;
  const std::size_t copies = 1300;  // online slices of 256 copies: five and a partial one
  for (std::size_t i = 0; i < copies * window; ++i) {
    x.push_back(i % 7 == 0 ? edge_values(bits)[random() % 10] : random() & mask);
  }
  auto [garbler_end, evaluator_end] = LocalChannel::create_pair();
  auto results = run_batch(circuit, bits, x, 5, *garbler_end, *evaluator_end, copies);
  for (std::size_t c = 0; c < copies; ++c) {
    std::int64_t maximum = INT64_MIN;
    for (std::uint32_t k = 0; k < window; ++k)
      maximum = std::max(maximum, to_signed(x[c * window + k], bits));
    EXPECT_EQ(results[c], relu_reference(static_cast<std::uint64_t>(maximum), bits, 5))
        << "copy " << c;
  }
}

TEST(ReluProtocol, LargeBatchStreamedInSlices) {
  std::mt19937_64 random(33);
  const std::uint32_t bits = 16;
  std::vector<std::uint64_t> x(5000);
  for (auto& value : x) value = random() & ring_mask(bits);
  Circuit relu = relu_circuit(bits, 4);
  auto [garbler_end, evaluator_end] = LocalChannel::create_pair();
  auto results = run_batch(relu, bits, x, 34, *garbler_end, *evaluator_end, x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    ASSERT_EQ(results[i], relu_reference(x[i], bits, 4)) << i;
}

TEST(ReluProtocol, OnlineBeforeOfflineAndBadShapesAreRefused) {
  auto [garbler_end, evaluator_end] = LocalChannel::create_pair();
  GarblerParty garbler_party(*garbler_end);
  Circuit relu = relu_circuit(16, 0);
  ShareCircuitGarbler garbler(garbler_party, relu, 16);
  std::vector<std::uint64_t> shares(4);
  EXPECT_THROW(garbler.online(shares), ProtocolError);
  EXPECT_THROW(ShareCircuitGarbler(garbler_party, relu, 32), CircuitError);
  EvaluatorParty evaluator_party(*evaluator_end);
  ShareCircuitEvaluator evaluator(evaluator_party, relu, 16);
  EXPECT_THROW(evaluator.online(), ProtocolError);
}

}  // namespace
}  // namespace pinas::crypto
