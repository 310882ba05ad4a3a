// The PI cost model counts offline and online bytes and online rounds from
// the IR alone (cost_models/protocol_traffic.h). These tests hold its counts
// to the runtime's own counters: two-party sessions over loopback TCP, for
// both linear backends, exact ReLU and Circa, on sampled architectures of
// every space (NAS-Bench-201 included) and on reduced models (ReLU masks
// with polynomial and affine replacements).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "cost_models/layer_features.h"
#include "cost_models/protocol_traffic.h"
#include "search_spaces/errors.h"
#include "search_spaces/search_space.h"
#include "tests/pi/detail/random_model.h"
#include "tests/pi/detail/session_runner.h"

namespace pinas::pi {
namespace {

pb::Genotype narrowed(pb::Genotype genotype) {
  if (genotype.has_cryptonas()) genotype.mutable_cryptonas()->set_channels(4);
  if (genotype.has_sphynx()) genotype.mutable_sphynx()->set_channels(4);
  if (genotype.has_resnet()) genotype.mutable_resnet()->set_channel_scale(0.125);
  return genotype;
}

cost::ProtocolParameters protocol_of(const FixedPointConfig& config) {
  cost::ProtocolParameters parameters;
  parameters.ring_bits = static_cast<int>(config.ring_bits);
  parameters.fractional_bits = static_cast<int>(config.fractional_bits);
  parameters.weight_bits = static_cast<int>(config.weight_bits);
  parameters.scale_limit = static_cast<int>(config.scale_limit);
  parameters.circa = config.relu_mode == ReluMode::kCirca;
  parameters.circa_dropped_bits = static_cast<int>(config.circa_dropped_bits);
  parameters.linear_backend = config.linear_backend == LinearBackend::kHe
                                  ? cost::LinearBackend::kHe
                                  : cost::LinearBackend::kOt;
  return parameters;
}

// Runs one session of `model` under `config` and expects the predicted
// traffic and rounds to equal what the client's channel counted.
void expect_exact_traffic(const pb::Model& model, const FixedPointConfig& config,
                          const std::string& what) {
  const auto architecture = spaces::Architecture::from_proto(model.architecture());
  const auto report = spaces::analyze(architecture);
  const auto parameters = protocol_of(config);
  const auto features = cost::extract_features(architecture, report, parameters);
  const auto predicted = cost::count_session_traffic(
      features, architecture.node(architecture.input_node()).input_shape.elements(),
      report.output.elements(), parameters);
  const auto outcome =
      testing::run_private_inference(model, config, testing::random_pixels(model, 5));
  const auto& client = outcome.client.report;
  EXPECT_EQ(predicted.offline_bytes, client.offline.bytes_sent + client.offline.bytes_received)
      << what;
  EXPECT_EQ(predicted.online_bytes, client.online.bytes_sent + client.online.bytes_received)
      << what;
  EXPECT_EQ(predicted.online_flights, client.online.flights) << what;
  EXPECT_EQ(predicted.online_rounds, static_cast<std::int64_t>(outcome.client.rounds)) << what;
  // The server's channel carries the same bytes the other way.
  EXPECT_EQ(predicted.offline_bytes,
            outcome.server.offline.bytes_sent + outcome.server.offline.bytes_received)
      << what;
}

struct Variant {
  LinearBackend backend;
  ReluMode relu;
  bool mixed;
};

const Variant kVariants[] = {{LinearBackend::kHe, ReluMode::kExact, false},
                             {LinearBackend::kHe, ReluMode::kCirca, true},
                             {LinearBackend::kOt, ReluMode::kExact, true},
                             {LinearBackend::kOt, ReluMode::kCirca, false}};

std::string describe(const Variant& variant) {
  return std::string(variant.backend == LinearBackend::kHe ? "he " : "ot ") +
         (variant.relu == ReluMode::kCirca ? "circa " : "exact ") + (variant.mixed ? "mixed " : "");
}

// Under AddressSanitizer (scripts/test's Debug build) HE sessions are an
// order of magnitude slower: one architecture and one variant per space there,
// two of each in the main build.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kArchitecturesPerSpace = 1;
constexpr int kVariantsPerArchitecture = 1;
#else
constexpr int kArchitecturesPerSpace = 2;
constexpr int kVariantsPerArchitecture = 2;
#endif

class CostModelTraffic : public ::testing::TestWithParam<std::string> {};

TEST_P(CostModelTraffic, BytesAndRoundsEqualTheRuntimeCounters) {
  const std::string name = GetParam();
  auto space = spaces::make_search_space(name);
  const auto names = spaces::search_space_names();
  const auto space_index =
      static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
  std::mt19937_64 random(31);
  int checked = 0;
  for (int attempt = 0; attempt < 40 && checked < kArchitecturesPerSpace; ++attempt) {
    const auto genotype = narrowed(space->sample(random));
    pb::Architecture architecture;
    bool built = false;
    for (spaces::Shape input : {spaces::Shape{3, 8, 8}, spaces::Shape{1, 16, 16}}) {
      try {
        space->check(genotype);
        architecture = space->build(genotype, input, 10).to_proto();
        built = true;
        break;
      } catch (const Error&) {
      }
    }
    if (!built) continue;
    for (int k = 0; k < kVariantsPerArchitecture; ++k) {
      // Spaces start at different variants, so one per space still covers all four.
      const Variant* v = &kVariants[(2 * checked + k + space_index) % 4];
      const auto model = testing::random_model(
          architecture,
          {.mixed_activations = v->mixed, .seed = static_cast<std::uint64_t>(attempt + 1)});
      FixedPointConfig config;
      config.linear_backend = v->backend;
      config.relu_mode = v->relu;
      expect_exact_traffic(model, config, name + " " + describe(*v) + space->describe(genotype));
    }
    ++checked;
  }
  EXPECT_EQ(checked, kArchitecturesPerSpace) << name;
}

INSTANTIATE_TEST_SUITE_P(EverySpace, CostModelTraffic,
                         ::testing::ValuesIn(spaces::search_space_names()));

// Max and average pooling, concat, separable conv, an unfolded batch norm and
// a polynomial node, under every variant.
TEST(CostModelTraffic, HandMadeArchitectureUnderEveryVariant) {
  for (const Variant& variant : kVariants) {
    const auto model = testing::random_model(testing::mixed_architecture(3, 8, true),
                                             {.mixed_activations = variant.mixed, .seed = 3});
    FixedPointConfig config;
    config.linear_backend = variant.backend;
    config.relu_mode = variant.relu;
    expect_exact_traffic(model, config, "mixed_architecture " + describe(variant));
  }
}

// A Gilboa product large enough to span several 2^23-bit correction chunks:
// the chunk-by-chunk word rounding is part of the count.
TEST(CostModelTraffic, OtBackendCountsCorrectionChunks) {
  const auto model = testing::random_model(testing::mixed_architecture(8, 16, false), {.seed = 4});
  FixedPointConfig config;
  config.linear_backend = LinearBackend::kOt;
  const auto architecture = spaces::Architecture::from_proto(model.architecture());
  std::int64_t largest = 0;
  for (const auto& layer :
       cost::extract_features(architecture, spaces::analyze(architecture), protocol_of(config))) {
    largest = std::max(largest, layer.linear_correction_bytes);
  }
  EXPECT_GT(largest, 2 * (std::int64_t{8} << 20) / 8) << "no layer spans several chunks";
  expect_exact_traffic(model, config, "mixed_architecture 8x16x16 ot");
}

}  // namespace
}  // namespace pinas::pi
