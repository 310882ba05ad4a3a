// The ENAS supernet over the cryptonas macro space: one path per forward
// (only the sampled branches and skips get gradients), both op styles,
// seeded construction, refusal of malformed architectures.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "proto/error.h"
#include "train/supernet/enas_supernet.h"

namespace pinas::train::supernet {
namespace {

EnasSupernetOptions tiny_options(detail::EnasOpStyle style) {
  EnasSupernetOptions options;
  options.input_channels = 1;
  options.input_height = 12;
  options.input_width = 12;
  options.layers = 4;  // pools before layers 1 and 2
  options.channels = 4;
  options.op_style = style;
  return options;
}

// Layer i: op ops[i]; skips as given.
pb::CryptoNasGenotype architecture(std::vector<int> ops, std::vector<std::vector<int>> skips) {
  pb::CryptoNasGenotype result;
  result.set_num_layers(static_cast<int>(ops.size()));
  for (size_t i = 0; i < ops.size(); ++i) {
    auto& layer = *result.add_layers();
    layer.set_op(static_cast<pb::CryptoNasOp>(ops[i]));
    for (int skip : skips[i]) layer.add_skips(skip);
  }
  return result;
}

bool has_gradient(EnasSupernetImpl& supernet, const std::string& prefix) {
  bool any = false;
  for (const auto& item : supernet.named_parameters()) {
    if (item.key().rfind(prefix, 0) != 0) continue;
    if (item.value().grad().defined() && item.value().grad().abs().sum().item<double>() > 0)
      any = true;
  }
  return any;
}

TEST(EnasSupernetTest, PoolingPointsAreTheSpacesThirds) {
  EXPECT_FALSE(EnasSupernetImpl::pools_before(0, 6));
  EXPECT_FALSE(EnasSupernetImpl::pools_before(1, 6));
  EXPECT_TRUE(EnasSupernetImpl::pools_before(2, 6));
  EXPECT_FALSE(EnasSupernetImpl::pools_before(3, 6));
  EXPECT_TRUE(EnasSupernetImpl::pools_before(4, 6));
  EXPECT_TRUE(EnasSupernetImpl::pools_before(3, 9));
  EXPECT_TRUE(EnasSupernetImpl::pools_before(6, 9));
  EXPECT_FALSE(EnasSupernetImpl::pools_before(0, 1));
}

TEST(EnasSupernetTest, OnlyTheSampledPathLearns) {
  for (auto style : {detail::EnasOpStyle::kPaper, detail::EnasOpStyle::kSpace}) {
    EnasSupernet supernet(tiny_options(style), 7);
    // Layer 3 skips to layer 0 across both pooling points.
    const auto path = architecture({0, 3, 4, 5}, {{}, {0}, {}, {0, 2}});
    auto logits = supernet->forward(torch::randn({6, 1, 12, 12}), path);
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{6, 10}));
    torch::nn::functional::cross_entropy(logits, torch::tensor({0, 1, 2, 3, 4, 5})).backward();
    EXPECT_TRUE(has_gradient(*supernet, "layer0_branch0."));
    EXPECT_FALSE(has_gradient(*supernet, "layer0_branch1."));
    EXPECT_TRUE(has_gradient(*supernet, "layer1_branch3."));
    EXPECT_FALSE(has_gradient(*supernet, "layer1_branch2."));
    EXPECT_FALSE(has_gradient(*supernet, "layer3_branch4."));
    EXPECT_TRUE(has_gradient(*supernet, "stem"));
    EXPECT_TRUE(has_gradient(*supernet, "classifier"));
    if (style == detail::EnasOpStyle::kPaper) {
      // Layer 0 is reduced at both pooling points for layer 3's skip, layer 1
      // at the second for layer 2's input.
      EXPECT_TRUE(has_gradient(*supernet, "pool0_from0."));
      EXPECT_TRUE(has_gradient(*supernet, "pool1_from0."));
      EXPECT_TRUE(has_gradient(*supernet, "pool1_from1."));
    } else {
      // The merge of layer 3 uses the columns of the branch, layer 0 and 2.
      const auto gradient = supernet->named_parameters()["layer3_merge.weight"].grad();
      ASSERT_EQ(gradient.size(1), 4 * 4);
      auto used = [&](int block) {
        return gradient.slice(1, block * 4, (block + 1) * 4).abs().sum().item<double>() > 0;
      };
      EXPECT_TRUE(used(0));
      EXPECT_TRUE(used(1));   // layer 0
      EXPECT_FALSE(used(2));  // layer 1
      EXPECT_TRUE(used(3));   // layer 2
    }
  }
}

TEST(EnasSupernetTest, BatchStatisticsMakeEvaluationEqualTraining) {
  EnasSupernet supernet(tiny_options(detail::EnasOpStyle::kPaper), 3);
  const auto path = architecture({1, 2, 0, 4}, {{}, {}, {1}, {0, 1, 2}});
  const auto input = torch::randn({5, 1, 12, 12});
  torch::NoGradGuard no_grad;
  const auto training = supernet->forward(input, path);
  supernet->eval();
  EXPECT_TRUE(torch::allclose(training, supernet->forward(input, path)));
}

TEST(EnasSupernetTest, TheSameSeedBuildsTheSameSupernet) {
  EnasSupernet first(tiny_options(detail::EnasOpStyle::kSpace), 3);
  EnasSupernet second(tiny_options(detail::EnasOpStyle::kSpace), 3);
  EnasSupernet other(tiny_options(detail::EnasOpStyle::kSpace), 4);
  const auto path = architecture({2, 2, 5, 1}, {{}, {0}, {0, 1}, {}});
  const auto input = torch::randn({4, 1, 12, 12});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(first->forward(input, path), second->forward(input, path)));
  EXPECT_FALSE(torch::equal(first->forward(input, path), other->forward(input, path)));
}

TEST(EnasSupernetTest, RefusesMalformedArchitecturesAndShapes) {
  EnasSupernet supernet(tiny_options(detail::EnasOpStyle::kPaper), 1);
  const auto input = torch::zeros({2, 1, 12, 12});
  auto message = [&](const pb::CryptoNasGenotype& path, const torch::Tensor& images) {
    try {
      supernet->forward(images, path);
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string();
  };
  EXPECT_NE(message(architecture({0, 0, 0}, {{}, {}, {}}), input).find("3 layers"),
            std::string::npos);
  EXPECT_NE(message(architecture({0, 0, 0, 0}, {{}, {}, {2}, {}}), input).find("layers[2].skips"),
            std::string::npos);
  EXPECT_NE(
      message(architecture({0, 0, 0, 0}, {{}, {0, 0}, {}, {}}), input).find("layers[1].skips"),
      std::string::npos);
  EXPECT_NE(message(architecture({0, 0, 0, 0}, {{}, {}, {}, {}}), torch::zeros({2, 3, 12, 12}))
                .find("expected N x 1 x 12 x 12"),
            std::string::npos);
  auto options = tiny_options(detail::EnasOpStyle::kPaper);
  options.layers = 0;
  EXPECT_THROW(EnasSupernet(options, 1), Error);
  options = tiny_options(detail::EnasOpStyle::kPaper);
  options.channels = 1;
  EXPECT_THROW(EnasSupernet(options, 1), Error);
}

}  // namespace
}  // namespace pinas::train::supernet
