// The PI cost model (cost_models/) counts from the IR alone what the runtime
// will garble; it walks the IR with the compiler's scale rules
// (search_spaces/fixed_point_rules.h) without depending on crypto/pi. These
// tests hold its counts to the compiled program, for exact ReLUs and for
// Circa (whose output keeps its scale), on every space.
#include <gtest/gtest.h>

#include <random>

#include "cost_models/layer_features.h"
#include "crypto/pi/detail/tensor_ops.h"
#include "crypto/pi/fixed_point_network.h"
#include "search_spaces/search_space.h"
#include "tests/pi/detail/random_model.h"

namespace pinas::pi {
namespace {

struct GarbledCounts {
  std::int64_t relus = 0;
  std::int64_t truncations = 0;
  std::int64_t polynomial_elements = 0;
};

GarbledCounts compiled_counts(const FixedPointNetwork& network) {
  GarbledCounts counts;
  for (const auto& step : network.steps()) {
    if (const auto* garbled = std::get_if<GarbledStep>(&step.op)) {
      const auto elements =
          static_cast<std::size_t>(network.tensors()[step.output].shape.elements());
      for (std::size_t i = 0; i < elements; ++i) {
        switch (detail::element_kind(*garbled, i)) {
          case detail::ElementKind::kRelu:
            ++counts.relus;
            break;
          case detail::ElementKind::kTruncate:
            ++counts.truncations;
            break;
          case detail::ElementKind::kPolynomial:
            ++counts.polynomial_elements;
            break;
          case detail::ElementKind::kPass:
          case detail::ElementKind::kAffine:
            break;
        }
      }
    } else if (std::holds_alternative<PolynomialStep>(step.op)) {
      counts.polynomial_elements += network.tensors()[step.output].shape.elements();
    }
  }
  return counts;
}

GarbledCounts predicted_counts(const spaces::Architecture& architecture,
                               const FixedPointConfig& config) {
  cost::ProtocolParameters parameters;
  parameters.ring_bits = static_cast<int>(config.ring_bits);
  parameters.fractional_bits = static_cast<int>(config.fractional_bits);
  parameters.circa = config.relu_mode == ReluMode::kCirca;
  GarbledCounts counts;
  for (const auto& layer :
       cost::extract_features(architecture, spaces::analyze(architecture), parameters)) {
    counts.relus += layer.relus;
    counts.truncations += layer.truncations;
    counts.polynomial_elements += layer.polynomial_elements;
  }
  return counts;
}

class CostModelAgreement : public ::testing::TestWithParam<std::string> {};

TEST_P(CostModelAgreement, GarbledElementsEqualTheCompiledProgram) {
  const std::string name = GetParam();
  auto space = spaces::make_search_space(name);
  std::mt19937_64 random(23);
  int checked = 0;
  for (int attempt = 0; attempt < 40 && checked < 6; ++attempt) {
    auto genotype = space->sample(random);
    if (genotype.has_cryptonas()) genotype.mutable_cryptonas()->set_channels(4);
    if (genotype.has_sphynx()) genotype.mutable_sphynx()->set_channels(4);
    if (genotype.has_resnet()) genotype.mutable_resnet()->set_channel_scale(0.125);
    spaces::Architecture architecture;
    try {
      architecture = space->build(genotype, {3, 16, 16}, 10);
    } catch (const spaces::GraphError&) {
      continue;
    }
    // Plain ReLUs, and reduced networks: mixed activations (ReLU, polynomial,
    // affine and identity elements) in the IR.
    for (bool mixed : {false, true}) {
      const auto model = testing::random_model(architecture.to_proto(), {.mixed_activations = mixed, .seed = 1});
      const auto reduced = spaces::Architecture::from_proto(model.architecture());
      for (bool circa : {false, true}) {
        FixedPointConfig config;
        if (circa) config.relu_mode = ReluMode::kCirca;
        const auto compiled = compiled_counts(FixedPointNetwork::compile(model, config));
        const auto predicted = predicted_counts(reduced, config);
        const std::string what = name + (circa ? " circa " : " exact ") + (mixed ? "mixed " : "") +
                                 space->describe(genotype);
        EXPECT_EQ(predicted.relus, compiled.relus) << what;
        EXPECT_EQ(predicted.truncations, compiled.truncations) << what;
        EXPECT_EQ(predicted.polynomial_elements, compiled.polynomial_elements) << what;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 3) << name;
}

INSTANTIATE_TEST_SUITE_P(Spaces, CostModelAgreement, ::testing::ValuesIn(spaces::search_space_names()));

}  // namespace
}  // namespace pinas::pi
