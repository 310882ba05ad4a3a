// What the server receives does not depend on the client's input: over many
// sessions of one fixed model, the bytes of the client's masked input (the
// first online message, x - C_in with C_in uniform in Z_{2^l}) are uniform by
// a chi-square test for two very different inputs, and the two samples are
// indistinguishable by a chi-square two-sample (homogeneity) test. A change
// that sent the input, or anything of it, unmasked fails both. Real loopback
// TCP; the masks come from the OS (getrandom), so the test is not seeded: its
// thresholds (z > 4.5 on the Wilson-Hilferty normal approximation, p < 4e-6
// per test) make a false alarm rarer than one in 100,000 runs.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "crypto/net/tcp_channel.h"
#include "crypto/net/two_party_loopback.h"
#include "crypto/pi/client_session.h"
#include "crypto/pi/server_session.h"
#include "search_spaces/model_file.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

using testing::mixed_architecture;
using testing::random_model;

// A TcpChannel that keeps every raw byte it reads (frame prefixes included).
class RecordingChannel : public crypto::TcpChannel {
 public:
  using TcpChannel::TcpChannel;
  std::vector<std::uint8_t> raw;

 protected:
  size_t read_raw(uint8_t* data, size_t count) override {
    size_t got = TcpChannel::read_raw(data, count);
    raw.insert(raw.end(), data, data + got);
    return got;
  }
};

// The payload bytes of a raw framed stream (4-byte little-endian length, payload).
std::vector<std::uint8_t> payload_of(const std::vector<std::uint8_t>& raw) {
  std::vector<std::uint8_t> payload;
  std::size_t at = 0;
  while (at + 4 <= raw.size()) {
    std::uint32_t length = 0;
    for (int i = 0; i < 4; ++i) length |= static_cast<std::uint32_t>(raw[at + i]) << (8 * i);
    at += 4;
    const std::size_t now = std::min<std::size_t>(length, raw.size() - at);
    payload.insert(payload.end(), raw.begin() + at, raw.begin() + at + now);
    at += now;
  }
  return payload;
}

// Normal deviate of a chi-square statistic with `dof` degrees of freedom
// (Wilson-Hilferty); large values mean "not what was assumed".
double chi_square_z(double statistic, double dof) {
  const double v = 2.0 / (9.0 * dof);
  return (std::cbrt(statistic / dof) - (1.0 - v)) / std::sqrt(v);
}

// Bytes of the masked input the server received in each of `sessions`
// sessions with `pixels`: the whole bytes of each l-bit ring element.
std::vector<std::uint8_t> masked_input_bytes(const pb::Model& model,
                                             const FixedPointNetwork& network,
                                             const std::string& description,
                                             const std::vector<float>& pixels, int sessions) {
  const auto elements = static_cast<std::size_t>(network.input_info().shape.elements());
  const std::size_t whole_bytes = network.config().ring_bits / 8;
  std::vector<std::uint8_t> bytes;
  for (int s = 0; s < sessions; ++s) {
    SessionReport report;
    std::vector<std::uint8_t> raw;
    crypto::run_two_parties_over_loopback(
        [&](crypto::TcpChannel& accepted) {
          const std::string peer = accepted.peer();
          const crypto::TcpOptions options = accepted.options();
          RecordingChannel channel(accepted.release_socket(), peer, options);
          ServerSession session(network, description, channel);
          report = session.run();
          raw = channel.raw;
        },
        [&](crypto::Channel& channel) {
          ClientSession session(channel);
          session.run(pixels);
        });
    // The online phase opens with the client's masked input: input-size
    // ring elements as little-endian uint64 words.
    const auto payload = payload_of(raw);
    const std::size_t start = report.setup.bytes_received + report.offline.bytes_received;
    EXPECT_GE(payload.size(), start + elements * 8);
    for (std::size_t i = 0; i < elements && start + 8 * i + 8 <= payload.size(); ++i) {
      for (std::size_t b = 0; b < whole_bytes; ++b) bytes.push_back(payload[start + 8 * i + b]);
    }
  }
  (void)model;
  return bytes;
}

std::array<double, 256> histogram(const std::vector<std::uint8_t>& bytes) {
  std::array<double, 256> counts{};
  for (auto byte : bytes) counts[byte] += 1;
  return counts;
}

double uniformity_z(const std::vector<std::uint8_t>& bytes) {
  const auto counts = histogram(bytes);
  const double expected = static_cast<double>(bytes.size()) / 256.0;
  double statistic = 0;
  for (double count : counts) statistic += (count - expected) * (count - expected) / expected;
  return chi_square_z(statistic, 255);
}

double homogeneity_z(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  const auto ca = histogram(a), cb = histogram(b);
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size()), n = na + nb;
  double statistic = 0;
  int dof = -1;
  for (int v = 0; v < 256; ++v) {
    const double total = ca[v] + cb[v];
    if (total == 0) continue;
    ++dof;
    const double ea = total * na / n, eb = total * nb / n;
    statistic += (ca[v] - ea) * (ca[v] - ea) / ea + (cb[v] - eb) * (cb[v] - eb) / eb;
  }
  return dof <= 0 ? 1e9 : chi_square_z(statistic, dof);
}

TEST(PrivacyStatistics, MaskedInputBytesAreUniformAndIndependentOfTheInput) {
  const auto model = random_model(mixed_architecture(1, 8, false), {.seed = 41});
  const FixedPointConfig config;
  const auto network = FixedPointNetwork::compile(model, config);
  const std::string description =
      spaces::encode_model(FixedPointNetwork::public_description(model));
  const auto elements = static_cast<std::size_t>(network.input_info().shape.elements());
  // Two very different inputs: all black, and a bright checkerboard.
  std::vector<float> black(elements, 0.0f), checkerboard(elements);
  for (std::size_t i = 0; i < elements; ++i) checkerboard[i] = (i % 2) ? 1.0f : -1.0f;
  constexpr int kSessions = 24;
  const auto a = masked_input_bytes(model, network, description, black, kSessions);
  const auto b = masked_input_bytes(model, network, description, checkerboard, kSessions);
  ASSERT_EQ(a.size(), kSessions * elements * (config.ring_bits / 8));
  ASSERT_EQ(b.size(), a.size());
  const double za = uniformity_z(a), zb = uniformity_z(b), zab = homogeneity_z(a, b);
  RecordProperty("uniformity_z_black", std::to_string(za));
  RecordProperty("uniformity_z_checkerboard", std::to_string(zb));
  RecordProperty("two_sample_z", std::to_string(zab));
  std::cout << "privacy: " << a.size() << " bytes per input; chi-square z: black " << za
            << ", checkerboard " << zb << ", two-sample " << zab << std::endl;
  EXPECT_LT(za, 4.5) << "the masked input of a black image is not uniform";
  EXPECT_LT(zb, 4.5) << "the masked input of a checkerboard is not uniform";
  EXPECT_LT(zab, 4.5) << "the server can tell the two inputs apart from their masked bytes";
  // Negative control: the same statistics on the unmasked quantized inputs
  // (what a broken client would send) are far past the thresholds.
  std::vector<std::uint8_t> plain_a, plain_b;
  for (int s = 0; s < kSessions; ++s) {
    for (const auto& [input, out] :
         {std::pair{&black, &plain_a}, std::pair{&checkerboard, &plain_b}}) {
      for (std::uint64_t value : network.quantize_input(*input)) {
        for (std::size_t k = 0; k < config.ring_bits / 8; ++k)
          out->push_back(static_cast<std::uint8_t>(value >> (8 * k)));
      }
    }
  }
  EXPECT_GT(uniformity_z(plain_a), 4.5);
  EXPECT_GT(homogeneity_z(plain_a, plain_b), 4.5);
}

}  // namespace
}  // namespace pinas::pi
