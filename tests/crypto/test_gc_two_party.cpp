// Two-party garbled circuits over real loopback TCP (and the in-process
// channel): IKNP correlated OT for the evaluator's labels, tables over the
// wire, outputs compared with plaintext evaluation.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "crypto/circuits/bristol_reader.h"
#include "crypto/circuits/hex_bits.h"
#include "crypto/circuits/random_circuit.h"
#include "crypto/gc/evaluator_party.h"
#include "crypto/gc/garbler_party.h"
#include "crypto/net/handshake.h"
#include "crypto/net/local_channel.h"
#include "crypto/net/tcp_channel.h"
#include "crypto/net/tcp_listener.h"

namespace pinas::crypto {
namespace {

// A connected loopback TCP pair: first the server (garbler) end.
std::pair<std::unique_ptr<TcpChannel>, std::unique_ptr<TcpChannel>> tcp_pair() {
  TcpListener listener(0);
  auto client = std::async(std::launch::async, [port = listener.port()] {
    return TcpChannel::connect("127.0.0.1", port);
  });
  auto server = listener.accept(std::chrono::milliseconds(10000));
  return {std::move(server), client.get()};
}

struct Case {
  Circuit circuit;
  std::vector<std::uint8_t> garbler_bits, evaluator_bits, expected;
};

std::vector<Case> random_cases(int count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Case> cases;
  for (int trial = 0; trial < count; ++trial) {
    RandomCircuitShape shape;
    shape.garbler_input_wires = 1 + random() % 6;
    shape.evaluator_input_wires = 1 + random() % 6;
    shape.gates = 1 + random() % 32;
    shape.output_wires = 1 + random() % 6;
    shape.and_percent = random() % 90;
    shape.not_percent = random() % 10;
    Circuit circuit = random_circuit(shape, seed * 100000 + trial);
    std::vector<std::uint8_t> g(shape.garbler_input_wires), e(shape.evaluator_input_wires);
    for (auto& bit : g) bit = random() & 1;
    for (auto& bit : e) bit = random() & 1;
    std::vector<std::uint8_t> all = g;
    all.insert(all.end(), e.begin(), e.end());
    std::vector<std::uint8_t> expected = circuit.evaluate(all);
    cases.push_back({std::move(circuit), std::move(g), std::move(e), std::move(expected)});
  }
  return cases;
}

void run_cases(Channel& garbler_channel, Channel& evaluator_channel,
               const std::vector<Case>& cases) {
  auto garbler_side = std::async(std::launch::async, [&] {
    GarblerParty garbler(garbler_channel);
    std::vector<std::vector<std::uint8_t>> outputs;
    for (const Case& c : cases) outputs.push_back(garbler.run(c.circuit, 1, c.garbler_bits));
    return outputs;
  });
  EvaluatorParty evaluator(evaluator_channel);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ASSERT_EQ(evaluator.run(cases[i].circuit, 1, cases[i].evaluator_bits), cases[i].expected)
        << "case " << i;
  }
  auto garbler_outputs = garbler_side.get();
  for (std::size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(garbler_outputs[i], cases[i].expected) << "case " << i;
}

TEST(GcTwoParty, TenThousandRandomCircuitsOverLoopbackTcp) {
  auto cases = random_cases(10000, 21);
  auto [server, client] = tcp_pair();
  run_cases(*server, *client, cases);
}

TEST(GcTwoParty, RandomCircuitsOverInProcessChannel) {
  auto cases = random_cases(2000, 22);
  auto [garbler_end, evaluator_end] = LocalChannel::create_pair();
  run_cases(*garbler_end, *evaluator_end, cases);
}

TEST(GcTwoParty, Aes128KnownAnswerOverTcp) {
  std::string path = std::string(PINAS_SOURCE_DIR) + "/../shared/data/bristol/aes_128.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  Circuit circuit = read_bristol_file(path);
  auto key = bits_from_hex("000102030405060708090a0b0c0d0e0f", 128, "key");
  auto plaintext = bits_from_hex("00112233445566778899aabbccddeeff", 128, "plaintext");
  auto [server, client] = tcp_pair();
  auto garbler_side = std::async(std::launch::async, [&, &server = server] {
    GarblerParty garbler(*server);
    return garbler.run(circuit, 1, key);
  });
  EvaluatorParty evaluator(*client);
  EXPECT_EQ(hex_from_bits(evaluator.run(circuit, 1, plaintext)),
            "69c4e0d86a7b0430d8cdb78070b4c55a");
  EXPECT_EQ(hex_from_bits(garbler_side.get()), "69c4e0d86a7b0430d8cdb78070b4c55a");
  // Exactly 32 bytes of tables per AND cross the wire, plus labels and OT.
  EXPECT_GE(server->bytes_sent(), 6400u * 32u);
}

TEST(GcTwoParty, MismatchedCircuitsAreRefusedByTheHandshake) {
  RandomCircuitShape shape;
  Circuit first = random_circuit(shape, 1);
  Circuit second = random_circuit(shape, 2);
  auto [garbler_end, evaluator_end] = LocalChannel::create_pair(std::chrono::milliseconds(5000));
  std::vector<std::uint8_t> bits(8, 0);
  auto garbler_side = std::async(std::launch::async, [&, &channel = garbler_end] {
    GarblerParty garbler(*channel);
    EXPECT_THROW(garbler.run(first, 1, bits), HandshakeError);
  });
  EvaluatorParty evaluator(*evaluator_end);
  EXPECT_THROW(evaluator.run(second, 1, bits), HandshakeError);
  garbler_side.get();
}

TEST(GcTwoParty, WrongInputWidthIsRefusedBeforeAnyMessage) {
  RandomCircuitShape shape;
  Circuit circuit = random_circuit(shape, 3);
  auto [garbler_end, evaluator_end] = LocalChannel::create_pair();
  GarblerParty garbler(*garbler_end);
  std::vector<std::uint8_t> bits(3, 0);
  EXPECT_THROW(garbler.run(circuit, 1, bits), CircuitError);
  EXPECT_THROW(garbler.run(circuit, 5, bits), CircuitError);
}

}  // namespace
}  // namespace pinas::crypto
