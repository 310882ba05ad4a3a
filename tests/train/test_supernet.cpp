// The DARTS supernet over the sphynx cells: shapes and parameter split,
// seeded construction, the derivation rule on known alphas, and the
// bilevel search on a real Fashion-MNIST subset (validation accuracy rises,
// a resumed search equals an uninterrupted one bit for bit).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "search_spaces/sphynx_space.h"
#include "tests/train/detail/training_fixtures.h"
#include "train/supernet/darts_search.h"
#include "train/supernet/darts_supernet.h"

namespace pinas::train::supernet {
namespace {

DartsSupernetOptions tiny_options(detail::OpStyle style) {
  DartsSupernetOptions options;
  options.input_channels = 1;
  options.input_height = 12;
  options.input_width = 12;
  options.cells = 3;
  options.channels = 4;
  options.reduction_positions = {1, 2};
  options.op_style = style;
  return options;
}

TEST(DartsSupernetTest, ForwardGivesLogitsAndAlphasAreSeparateFromWeights) {
  for (auto style : {detail::OpStyle::kPaper, detail::OpStyle::kSpace}) {
    DartsSupernet supernet(tiny_options(style), 7);
    auto logits = supernet->forward(torch::randn({5, 1, 12, 12}));
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{5, 10}));
    EXPECT_EQ(supernet->alpha_normal().sizes(), (std::vector<int64_t>{14, 7}));
    EXPECT_EQ(supernet->alpha_reduce().sizes(), (std::vector<int64_t>{14, 7}));
    EXPECT_EQ(supernet->weight_parameters().size() + 2, supernet->parameters().size());
    // alpha = 1e-3 * randn: small and not all equal.
    EXPECT_LT(supernet->alpha_normal().abs().max().item<double>(), 1e-2);
    EXPECT_GT(supernet->alpha_normal().std().item<double>(), 1e-4);
    // The gradient of the loss reaches every alpha entry except "none" (column 0), whose op is zero
    // but whose alpha still matters through the softmax.
    auto loss = torch::nn::functional::cross_entropy(logits, torch::tensor({0, 1, 2, 3, 4}));
    loss.backward();
    EXPECT_GT(supernet->alpha_normal().grad().abs().sum().item<double>(), 0.0);
    EXPECT_GT(supernet->alpha_reduce().grad().abs().sum().item<double>(), 0.0);
  }
}

TEST(DartsSupernetTest, TheSameSeedBuildsTheSameSupernet) {
  DartsSupernet first(tiny_options(detail::OpStyle::kPaper), 3);
  DartsSupernet second(tiny_options(detail::OpStyle::kPaper), 3);
  DartsSupernet other(tiny_options(detail::OpStyle::kPaper), 4);
  auto input = torch::randn({4, 1, 12, 12});
  first->eval();
  second->eval();
  other->eval();
  EXPECT_TRUE(torch::equal(first->forward(input), second->forward(input)));
  EXPECT_FALSE(torch::equal(first->forward(input), other->forward(input)));
}

TEST(DartsSupernetTest, RefusesBadShapes) {
  auto options = tiny_options(detail::OpStyle::kPaper);
  options.reduction_positions = {1, 1};
  EXPECT_THROW(DartsSupernet(options, 1), Error);
  options.reduction_positions = {3};
  EXPECT_THROW(DartsSupernet(options, 1), Error);
  options = tiny_options(detail::OpStyle::kPaper);
  options.cells = 0;
  EXPECT_THROW(DartsSupernet(options, 1), Error);
  DartsSupernet supernet(tiny_options(detail::OpStyle::kPaper), 1);
  EXPECT_THROW(supernet->forward(torch::zeros({2, 3, 12, 12})), Error);
}

TEST(DartsSupernetTest, DerivationKeepsTheTwoStrongestEdgesAndNeverNone) {
  // Edge e's best non-none op is (e % 6) + 1 with strength e / 100; "none"
  // (column 0) is the largest entry everywhere and must be ignored.
  auto alpha = torch::zeros({14, 7}, torch::kDouble);
  for (int e = 0; e < 14; ++e) {
    alpha[e][0] = 10.0;
    alpha[e][(e % 6) + 1] = e / 100.0;
  }
  // Node 3 (edges 9 .. 13, inputs 0 .. 4): make input 1 the strongest, input 3 second.
  alpha[10][(10 % 6) + 1] = 0.9;
  alpha[12][(12 % 6) + 1] = 0.5;
  const auto cell = DartsSupernetImpl::derive_cell(alpha);
  ASSERT_EQ(cell.nodes_size(), 4);
  // Node 0 has only inputs 0 and 1 (edges 0, 1).
  EXPECT_EQ(cell.nodes(0).first().input(), 0);
  EXPECT_EQ(cell.nodes(0).first().op(), static_cast<pb::SphynxOp>(0));
  EXPECT_EQ(cell.nodes(0).second().input(), 1);
  EXPECT_EQ(cell.nodes(0).second().op(), static_cast<pb::SphynxOp>(1));
  // Node 1 (edges 2, 3, 4 = inputs 0, 1, 2): inputs 1 and 2 are strongest.
  EXPECT_EQ(cell.nodes(1).first().input(), 1);
  EXPECT_EQ(cell.nodes(1).first().op(), static_cast<pb::SphynxOp>(3));
  EXPECT_EQ(cell.nodes(1).second().input(), 2);
  EXPECT_EQ(cell.nodes(1).second().op(), static_cast<pb::SphynxOp>(4));
  // Node 3: inputs 1 (edge 10, op 10 % 6 = 4) and 3 (edge 12, op 0), lower input first.
  EXPECT_EQ(cell.nodes(3).first().input(), 1);
  EXPECT_EQ(cell.nodes(3).first().op(), static_cast<pb::SphynxOp>(4));
  EXPECT_EQ(cell.nodes(3).second().input(), 3);
  EXPECT_EQ(cell.nodes(3).second().op(), static_cast<pb::SphynxOp>(0));
  // The derived cells make a valid sphynx genotype once L, C and reductions are chosen.
  DartsSupernet supernet(tiny_options(detail::OpStyle::kPaper), 1);
  pb::Genotype genotype;
  *genotype.mutable_sphynx() = supernet->derive_cells();
  genotype.mutable_sphynx()->set_num_cells(5);
  genotype.mutable_sphynx()->set_channels(4);
  genotype.mutable_sphynx()->add_reduction_positions(1);
  genotype.mutable_sphynx()->add_reduction_positions(3);
  EXPECT_NO_THROW(spaces::SphynxSpace().check(genotype));
  EXPECT_THROW(DartsSupernetImpl::derive_cell(torch::zeros({14, 6})), Error);
}

int count_skips(const pb::SphynxCell& cell) {
  int skips = 0;
  for (const auto& node : cell.nodes())
    skips += (node.first().op() == pb::SPHYNX_SKIP) + (node.second().op() == pb::SPHYNX_SKIP);
  return skips;
}

TEST(DartsSupernetTest, TheSkipCapStrikesTheWeakestSkipsAndDerivesAgain) {
  // Skip (column 2) is every edge's best op, with strength 1 + e / 100;
  // conv_3x3 (column 3) is second everywhere at 0.5 - e / 1000.
  auto alpha = torch::zeros({14, 7}, torch::kDouble);
  for (int e = 0; e < 14; ++e) {
    alpha[e][pb::SPHYNX_SKIP + 1] = 1.0 + e / 100.0;
    alpha[e][pb::SPHYNX_CONV_3X3 + 1] = 0.5 - e / 1000.0;
  }
  const auto uncapped = DartsSupernetImpl::derive_cell(alpha);
  EXPECT_EQ(count_skips(uncapped), 8);
  EXPECT_EQ(DartsSupernetImpl::derive_cell(alpha, 8).SerializeAsString(),
            uncapped.SerializeAsString());
  const auto capped = DartsSupernetImpl::derive_cell(alpha, 2);
  EXPECT_EQ(count_skips(capped), 2);
  // The strongest skips are on the last node's edges (12 and 13: inputs 3 and 4).
  EXPECT_EQ(capped.nodes(3).first().input(), 3);
  EXPECT_EQ(capped.nodes(3).first().op(), pb::SPHYNX_SKIP);
  EXPECT_EQ(capped.nodes(3).second().input(), 4);
  EXPECT_EQ(capped.nodes(3).second().op(), pb::SPHYNX_SKIP);
  // Node 0's two edges lost their skips and keep their next op.
  EXPECT_EQ(capped.nodes(0).first().op(), pb::SPHYNX_CONV_3X3);
  EXPECT_EQ(capped.nodes(0).second().op(), pb::SPHYNX_CONV_3X3);
  // A struck skip can cost its edge the node's top 2: in node 1 (edges 2, 3,
  // 4), make edge 2's conv weak, so after the cap the node keeps edges 3, 4.
  alpha[2][pb::SPHYNX_CONV_3X3 + 1] = 0.01;
  const auto reordered = DartsSupernetImpl::derive_cell(alpha, 2);
  EXPECT_EQ(reordered.nodes(1).first().input(), 1);
  EXPECT_EQ(reordered.nodes(1).second().input(), 2);
  EXPECT_EQ(count_skips(DartsSupernetImpl::derive_cell(alpha, 0)), 0);
  // Recorded alphas derive the same cells as the tensor.
  std::vector<double> values(alpha.data_ptr<double>(), alpha.data_ptr<double>() + alpha.numel());
  EXPECT_EQ(DartsSupernetImpl::derive_cells(values, values, 2).normal().SerializeAsString(),
            reordered.SerializeAsString());
  EXPECT_EQ(count_skips(DartsSupernetImpl::derive_cells(values, values, 2).reduction()), 8)
      << "the cap is on the normal cell only";
  EXPECT_THROW(DartsSupernetImpl::derive_cells(std::vector<double>(97), values), Error);
}

DartsSearchSettings tiny_search(int epochs) {
  DartsSearchSettings settings;
  settings.data_spec = "fashion-mnist";
  settings.validation_fraction = 0.01;
  settings.train_subset = 256;
  settings.network.cells = 3;
  settings.network.channels = 4;
  settings.network.reduction_positions = {1, 2};
  settings.batch_size = 32;
  settings.epochs = epochs;
  settings.learning_rate = 0.05;
  settings.alpha_learning_rate = 3e-3;
  settings.seed = 5;
  settings.threads = 1;
  return settings;
}

bool have_fashion_mnist() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist");
}

TEST(DartsSearchTest, ValidationAccuracyRisesAndTheCellsAreValid) {
  if (!have_fashion_mnist())
    GTEST_SKIP() << "skipped: no Fashion-MNIST in /usr/share/datasets/fashion-mnist";
  auto settings = tiny_search(4);
  settings.unrolled = false;
  int reported = 0;
  const auto result = run_darts_search(settings, [&](const DartsEpochReport& report) {
    ++reported;
    EXPECT_EQ(report.epoch, reported);
    EXPECT_FALSE(report.resumed);
  });
  ASSERT_EQ(result.history.size(), 4u);
  EXPECT_EQ(reported, 4);
  EXPECT_GT(result.history.back().val_accuracy, result.history.front().val_accuracy);
  EXPECT_GT(result.best_val_accuracy, 0.3);  // chance is 0.1
  EXPECT_LT(result.history.back().train_loss, result.history.front().train_loss);
  // The learning rate follows the cosine from 0.05 towards 0.001, per epoch.
  EXPECT_DOUBLE_EQ(result.history[0].learning_rate, 0.05);
  EXPECT_LT(result.history[3].learning_rate, result.history[1].learning_rate);
  pb::Genotype genotype;
  *genotype.mutable_sphynx() = result.best_cells;
  genotype.mutable_sphynx()->set_num_cells(3);
  genotype.mutable_sphynx()->set_channels(4);
  EXPECT_NO_THROW(spaces::SphynxSpace().check(genotype));
}

TEST(DartsSearchTest, AResumedSearchEqualsAnUninterruptedOne) {
  if (!have_fashion_mnist())
    GTEST_SKIP() << "skipped: no Fashion-MNIST in /usr/share/datasets/fashion-mnist";
  const auto directory = testing::fresh_directory("darts-resume");
  auto settings = tiny_search(3);  // unrolled, the default
  settings.checkpoint = directory / "uninterrupted.pt";
  const auto reference = run_darts_search(settings);

  settings.checkpoint = directory / "interrupted.pt";
  struct Interrupted {};
  EXPECT_THROW(run_darts_search(settings,
                                [](const DartsEpochReport& report) {
                                  if (report.epoch == 2) throw Interrupted{};
                                }),
               Interrupted);
  int resumed = 0;
  const auto result = run_darts_search(
      settings, [&](const DartsEpochReport& report) { resumed += report.resumed; });
  EXPECT_EQ(result.epochs_resumed, 2);
  EXPECT_EQ(resumed, 2);
  ASSERT_EQ(result.history.size(), reference.history.size());
  for (size_t i = 0; i < result.history.size(); ++i) {
    EXPECT_EQ(result.history[i].train_loss, reference.history[i].train_loss) << "epoch " << i + 1;
    EXPECT_EQ(result.history[i].val_accuracy, reference.history[i].val_accuracy)
        << "epoch " << i + 1;
    EXPECT_EQ(result.history[i].cells.SerializeAsString(),
              reference.history[i].cells.SerializeAsString());
  }
  EXPECT_EQ(result.best_epoch, reference.best_epoch);
  // The skip cap is derivation only: resuming the finished search with one
  // trains nothing and derives every epoch again from its recorded alphas.
  {
    auto capped = settings;
    capped.checkpoint = directory / "uninterrupted.pt";
    capped.max_normal_skips = 0;
    const auto again = run_darts_search(capped);
    EXPECT_EQ(again.epochs_resumed, 3);
    ASSERT_EQ(again.history.size(), reference.history.size());
    for (size_t i = 0; i < again.history.size(); ++i) {
      EXPECT_EQ(count_skips(again.history[i].cells.normal()), 0) << "epoch " << i + 1;
      EXPECT_EQ(again.history[i].val_accuracy, reference.history[i].val_accuracy);
      EXPECT_EQ(again.history[i].cells.SerializeAsString(),
                DartsSupernetImpl::derive_cells(reference.history[i].alpha_normal,
                                                reference.history[i].alpha_reduce, 0)
                    .SerializeAsString());
    }
    EXPECT_EQ(again.best_epoch, reference.best_epoch);
  }
  // A checkpoint of other settings is refused, naming the file.
  settings.seed = 6;
  try {
    run_darts_search(settings);
    ADD_FAILURE() << "a checkpoint of another seed was accepted";
  } catch (const DartsCheckpointError& error) {
    EXPECT_NE(std::string(error.what()).find("interrupted.pt"), std::string::npos) << error.what();
  }
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace pinas::train::supernet
