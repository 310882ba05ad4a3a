// ReLU reduction (SNL, AutoReP, DeepReDuce): known answers for DaPa, the
// hysteresis rule, the straight-through estimator and SNL's λ schedule; the
// mixed activation against its definition; budget exactness; and one short
// run of every method on a real Fashion-MNIST subset.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "proto/error.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/model_file.h"
#include "search_spaces/resnet_space.h"
#include "search_spaces/search_space.h"
#include "tests/train/detail/training_fixtures.h"
#include "train/detail/mixed_activation_layer.h"
#include "train/model_export.h"
#include "train/reduction/detail/budget_masks.h"
#include "train/reduction/detail/reduction_methods.h"
#include "train/reduction/detail/reduction_state.h"
#include "train/reduction/reduction_runner.h"
#include "train/trainer.h"

namespace pinas::train {
namespace {

using detail::MixedActivationLayerImpl;
using testing::fresh_directory;

bool fashion_mnist_present() { return std::filesystem::exists("/usr/share/datasets/fashion-mnist"); }

TEST(DaPa, ClosedFormAtZeroMean) {
  for (double sigma : {0.5, 1.0, 2.0, 3.7}) {
    const auto c = detail::gaussian_relu_fit(0.0, sigma);
    const double root_two_pi = std::sqrt(2.0 * M_PI);
    EXPECT_NEAR(c[2], 1.0 / (2.0 * root_two_pi * sigma), 1e-12);
    EXPECT_NEAR(c[1], 0.5, 1e-12);
    EXPECT_NEAR(c[0], sigma / (2.0 * root_two_pi), 1e-12);
  }
  // AutoReP's published fixed fits: N(0, 1) ≈ 0.2x² + 0.5x + 0.2, N(0, 2) ≈ 0.1414x² + 0.5x + 0.2828.
  const auto unit = detail::gaussian_relu_fit(0.0, 1.0);
  EXPECT_NEAR(unit[2], 0.2, 0.001);
  EXPECT_NEAR(unit[0], 0.2, 0.001);
  const auto wide = detail::gaussian_relu_fit(0.0, std::sqrt(2.0));
  EXPECT_NEAR(wide[2], 0.1414, 0.0006);
  EXPECT_NEAR(wide[0], 0.2828, 0.0012);
  EXPECT_THROW(detail::gaussian_relu_fit(0.0, 0.0), Error);
}

TEST(DaPa, FitsReluBetterThanTheZeroMeanFitOffCentre) {
  // For x ~ N(1, 0.5²) the fitted quadratic's mean squared error against ReLU,
  // by quadrature, must beat the zero-mean fit's.
  auto error = [](const std::array<double, 3>& c, double mean, double sigma) {
    double sum = 0, weight = 0;
    for (int i = -4000; i <= 4000; ++i) {
      const double z = i / 500.0, x = mean + sigma * z, density = std::exp(-z * z / 2);
      const double difference = c[0] + c[1] * x + c[2] * x * x - std::max(x, 0.0);
      sum += density * difference * difference;
      weight += density;
    }
    return sum / weight;
  };
  const auto fitted = detail::gaussian_relu_fit(1.0, 0.5);
  EXPECT_LT(error(fitted, 1.0, 0.5), error(detail::gaussian_relu_fit(0.0, 0.5), 1.0, 0.5));
  EXPECT_LT(error(fitted, 1.0, 0.5), 0.01);
}

TEST(DaPa, ReleasedVarianceFloorAndX2ScaleApplyToTheFit) {
  // Channel 0 is constant (variance 0, the case whose exact fit has c2 -> inf);
  // channel 1 alternates ±2 (mean 0, variance 4·8/7 unbiased over 8 values).
  MixedActivationLayerImpl layer(2, 2, 2);
  auto x = torch::zeros({2, 2, 2, 2});
  x.select(1, 1).copy_(torch::tensor({2.0, -2.0, 2.0, -2.0, 2.0, -2.0, 2.0, -2.0}).view({2, 2, 2}));
  layer.train();
  layer.track_statistics(true);
  for (int i = 0; i < 400; ++i) layer.forward(x);  // momentum 0.1: the running values converge
  layer.fit_replacement_to_statistics(0.04, 0.2);
  const auto c = layer.replacement().to(torch::kDouble);
  const auto floor = detail::gaussian_relu_fit(0.0, 0.2);
  const auto wide = detail::gaussian_relu_fit(0.0, std::sqrt(4.0 * 8.0 / 7.0));
  EXPECT_NEAR(c[0][2].item<double>(), 0.2 * floor[2], 1e-5);
  EXPECT_NEAR(c[0][0].item<double>(), floor[0], 1e-5);
  EXPECT_NEAR(c[1][2].item<double>(), 0.2 * wide[2], 1e-5);
  EXPECT_NEAR(c[1][1].item<double>(), wide[1], 1e-5);
  layer.fit_replacement_to_statistics();  // the paper's closed form: exact, no floor to speak of
  EXPECT_GT(layer.replacement()[0][2].item<double>(), 1e4);
  EXPECT_THROW(layer.fit_replacement_to_statistics(0.0, 0.2), Error);
  EXPECT_THROW(layer.fit_replacement_to_statistics(0.04, -1.0), Error);
}

TEST(AutoRepGates, HysteresisRule) {
  const double threshold = 0.003;
  // Columns: (state, weight) -> new state.
  const auto state = torch::tensor({1.0, 1.0, 1.0, 0.0, 0.0, 0.0});
  const auto weight = torch::tensor({0.5, -0.002, -0.004, 0.002, 0.004, -0.5});
  const auto updated = detail::hysteresis_update(state, weight, threshold);
  // On stays on until w < -th; off stays off until w > th.
  EXPECT_TRUE(torch::equal(updated, torch::tensor({1.0, 1.0, 0.0, 0.0, 1.0, 0.0})));
}

TEST(AutoRepGates, StraightThroughGradientIsSoftplus) {
  auto weight = torch::tensor({-1.0, 0.0, 2.0}, torch::requires_grad());
  const auto state = torch::tensor({0.0, 1.0, 1.0});
  const auto gate = detail::softplus_straight_through(weight, state);
  EXPECT_TRUE(torch::equal(gate.detach(), state));
  (gate * torch::tensor({1.0, 2.0, 3.0})).sum().backward();
  const auto expected = torch::softplus(weight.detach()) * torch::tensor({1.0, 2.0, 3.0});
  EXPECT_TRUE(torch::allclose(weight.grad(), expected));
}

TEST(SnlSchedule, LambdaGrowsOnlyWhenTheCountStallsAfterPatience) {
  SnlOptions options;  // λ₀ 1e-5, growth 1.1, patience 5
  detail::ReductionState state;
  state.lambda = options.initial_lambda;
  const std::vector<int64_t> counts = {900, 800, 800, 850, 700, 700, 690, 690, 700};
  std::vector<double> lambdas;
  for (int64_t count : counts) {
    detail::snl_lambda_step(state, count, options);
    lambdas.push_back(state.lambda);
    ++state.epoch;
  }
  // Epochs 1-4 never grow λ (patience); epoch 5 (700 < min 800): no; epoch 6
  // (700 = min): grows; epoch 7 (690 < 700): no; epochs 8 and 9 stall: grow twice.
  const double l0 = 1e-5;
  const std::vector<double> expected = {l0, l0, l0, l0, l0, l0 * 1.1, l0 * 1.1, l0 * 1.21, l0 * 1.331};
  ASSERT_EQ(lambdas.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(lambdas[i], expected[i], 1e-15) << "epoch " << i + 1;
  EXPECT_EQ(state.min_count, 690);
}

// A run's wall seconds survive a kill: the checkpoint's state carries them,
// a resumed process adds its own, and checkpoints from before the field read 0.
TEST(ReductionStateJson, ElapsedSecondsAccumulateOverResumes) {
  detail::ReductionState state;
  state.elapsed_seconds = 120.0;
  state.clock_start = std::chrono::steady_clock::now() - std::chrono::seconds(30);
  const auto resumed = detail::ReductionState::from_json(state.to_json(), "checkpoint.pt");
  EXPECT_NEAR(resumed.elapsed_seconds, 150.0, 1.0);
  EXPECT_GE(resumed.total_seconds(), resumed.elapsed_seconds);
  const std::string old = R"({"phase":"mask","epoch":2,"step":10,"lambda":1e-4,"min_count":-1,"live":-1,)"
                          R"("best_val":-1,"mask_epochs":0})";
  EXPECT_EQ(detail::ReductionState::from_json(old, "old.pt").elapsed_seconds, 0.0);
  const std::string negative = R"({"phase":"mask","epoch":2,"step":10,"lambda":1e-4,"min_count":-1,"live":-1,)"
                               R"("best_val":-1,"mask_epochs":0,"elapsed_seconds":-5})";
  EXPECT_THROW(detail::ReductionState::from_json(negative, "bad.pt"), Error);
}

TEST(MixedActivation, MaskAndReplacementFollowTheirDefinition) {
  MixedActivationLayerImpl layer(2, 2, 2);
  const auto x = torch::randn({3, 2, 2, 2}, torch::TensorOptions().dtype(torch::kFloat32));
  EXPECT_TRUE(torch::equal(layer.forward(x), torch::relu(x)));
  const auto mask = torch::tensor({1, 0, 0, 1, 0, 0, 1, 1}, torch::kFloat32).view({2, 2, 2});
  layer.set_mask(mask);
  EXPECT_TRUE(torch::allclose(layer.forward(x), mask * torch::relu(x) + (1 - mask) * x));
  EXPECT_EQ(layer.last_relus_per_example(), 4);
  const auto coefficients = torch::tensor({{0.1, 0.5, 0.2}, {-0.3, 1.5, 0.0}}, torch::kFloat32);
  layer.set_replacement(coefficients);
  const auto c0 = coefficients.select(1, 0).view({1, 2, 1, 1}), c1 = coefficients.select(1, 1).view({1, 2, 1, 1}),
             c2 = coefficients.select(1, 2).view({1, 2, 1, 1});
  const auto polynomial = c0 + c1 * x + c2 * x * x;
  EXPECT_TRUE(torch::allclose(layer.forward(x), mask * torch::relu(x) + (1 - mask) * polynomial));
  EXPECT_THROW(layer.set_mask(torch::full({2, 2, 2}, 0.5)), Error);
  EXPECT_THROW(layer.set_replacement(torch::zeros({3, 3})), Error);
}

TEST(MixedActivation, ExportKeepsMasksAndCoefficientsInTheIr) {
  const auto architecture = spaces::Architecture::from_proto(testing::tiny_fashion_architecture());
  Network network(architecture, 3);
  auto sites = network->activation_sites();
  ASSERT_EQ(sites.size(), 2u);
  const auto& shape = sites[0].shape;  // 8x14x14
  torch::manual_seed(5);
  const auto mask = (torch::rand({shape.channels, shape.height, shape.width}) < 0.3).to(torch::kFloat32);
  sites[0].layer->set_mask(mask);
  sites[0].layer->set_replacement(torch::rand({shape.channels, 3}));
  network->eval();
  CheckpointInfo info;
  info.dataset = "fashion-mnist";
  const pb::Model model = export_model(*network, info);
  // The IR carries them; no tensor does.
  const auto exported = spaces::Architecture::from_proto(model.architecture());
  const auto report = spaces::analyze(exported);
  const int64_t ones = mask.sum().item<int64_t>();
  EXPECT_EQ(report.relus, ones + sites[1].shape.elements());
  EXPECT_EQ(report.polynomial_elements, shape.elements() - ones);
  for (const auto& parameters : model.parameters()) {
    EXPECT_FALSE(parameters.tensors().contains("mask"));
    EXPECT_FALSE(parameters.tensors().contains("replacement"));
  }
  Network again = import_model(model);
  const auto x = torch::randn({4, 1, 28, 28});
  EXPECT_TRUE(torch::allclose(again->forward(x), network->forward(x), 1e-5, 1e-6));
  EXPECT_EQ(again->current_architecture(), network->current_architecture());
}

TEST(BudgetMasks, NeverExceedTheBudgetAndKeepWholeChannels) {
  const auto architecture = spaces::Architecture::from_proto(testing::tiny_fashion_architecture());
  Network network(architecture, 3);
  auto sites = network->activation_sites();
  for (auto& site : sites) site.layer->begin_snl(false, torch::kCPU);
  torch::manual_seed(2);
  for (auto& site : sites) {
    torch::NoGradGuard no_grad;
    site.layer->snl_alpha().uniform_(-0.5, 1.0);
  }
  for (int64_t budget : {0, 1, 777, 1000, 5000}) {
    const auto masks = detail::budget_masks(sites, budget, 0.01, false);
    int64_t candidates = 0;
    for (const auto& site : sites) candidates += site.layer->live_relus(0.01);
    EXPECT_EQ(detail::mask_ones(masks), std::min(budget, candidates)) << budget;
  }
  // Per channel: whole 14x14 or 7x7 planes.
  for (auto& site : sites) site.layer->begin_snl(true, torch::kCPU);
  const auto masks = detail::budget_masks(sites, 700, 0.01, true);
  EXPECT_LE(detail::mask_ones(masks), 700);
  for (size_t s = 0; s < masks.size(); ++s) {
    const auto per_channel = masks[s].sum({1, 2});
    const double plane = static_cast<double>(sites[s].shape.height * sites[s].shape.width);
    EXPECT_TRUE(torch::logical_or(per_channel.eq(0), per_channel.eq(plane)).all().item<bool>());
  }
}

// A trained tiny model for the short runs (1 epoch on 2,000 images).
std::filesystem::path trained_tiny_model(const std::filesystem::path& folder, pb::Architecture architecture) {
  TrainingJob job = testing::tiny_job(1, 2000, 7);
  job.architecture = std::move(architecture);
  job.output_dir = folder / "teacher-run";
  const TrainingResult result = run_training(job);
  EXPECT_EQ(result.status, TrainingStatus::Completed);
  const auto model = folder / "teacher.pb";
  export_checkpoint(job.output_dir, model);
  return model;
}

ReductionJob short_job(const std::filesystem::path& model, ReductionMethod method, const std::filesystem::path& out,
                       std::vector<int64_t> budgets) {
  ReductionJob job;
  job.model = model;
  job.method = method;
  job.budgets = std::move(budgets);
  job.train_subset = 1000;
  job.test_subset = 200;
  job.validation_fraction = 0.05;
  job.batch_size = 64;
  job.threads = 1;
  job.output_dir = out;
  job.progress = false;
  job.snl.max_mask_epochs = 2;
  job.snl.finetune_epochs = 1;
  job.snl.initial_lambda = 1e-3;
  job.snl.learning_rate = 2e-2;
  job.autorep.epochs = 2;
  job.autorep.dapa_refit_until = 20;
  job.autorep.budget_penalty = 200;
  job.autorep.learning_rate = 2e-2;
  job.deepreduce.criticality_epochs = 1;
  job.deepreduce.epochs = 1;
  return job;
}

void expect_reduced(const ReductionResult& result, const std::vector<int64_t>& budgets) {
  ASSERT_EQ(result.networks.size(), budgets.size());
  for (size_t i = 0; i < budgets.size(); ++i) {
    const auto& network = result.networks[i];
    EXPECT_LE(network.relus, budgets[i]);
    EXPECT_LT(network.relus, result.baseline_relus);
    EXPECT_TRUE(std::isfinite(network.test_accuracy));
    // The reported count is the exported file's.
    const auto model = spaces::read_model_file(network.model_file);
    EXPECT_EQ(spaces::analyze(spaces::Architecture::from_proto(model.architecture())).relus, network.relus);
  }
}

TEST(ReductionRuns, SnlSnlChannelAndAutoRepMeetTheirBudgets) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "skipped: Debian's dataset-fashion-mnist is not installed";
  const auto folder = fresh_directory("reduction-runs");
  const auto model = trained_tiny_model(folder, testing::tiny_fashion_architecture());  // 1,960 ReLUs
  const std::vector<int64_t> budgets = {300, 1000};
  for (auto method : {ReductionMethod::kSnl, ReductionMethod::kSnlChannel, ReductionMethod::kAutoRep}) {
    SCOPED_TRACE(reduction_method_name(method));
    const auto out = folder / reduction_method_name(method);
    const ReductionResult result = run_reduction(short_job(model, method, out, budgets));
    expect_reduced(result, budgets);
    EXPECT_TRUE(std::filesystem::exists(out / "front.json"));
    if (method == ReductionMethod::kAutoRep) {
      EXPECT_GT(result.networks[0].polynomial_elements, 0);
    }
    // Resuming a finished run reruns nothing and reports the same front.
    ReductionJob again = short_job(model, method, out, budgets);
    again.resume = true;
    const ReductionResult resumed = run_reduction(again);
    ASSERT_EQ(resumed.networks.size(), budgets.size());
    EXPECT_EQ(resumed.networks[0].relus, result.networks[0].relus);
    EXPECT_EQ(resumed.networks[1].test_accuracy, result.networks[1].test_accuracy);
  }
  std::filesystem::remove_all(folder);
}

TEST(ReductionRuns, DeepReduceRanksStagesAndMeetsTheBudget) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "skipped: Debian's dataset-fashion-mnist is not installed";
  const auto folder = fresh_directory("reduction-deepreduce");
  pb::Genotype genotype = spaces::ResNetSpace::standard(pb::RESNET_20);
  genotype.mutable_resnet()->set_channel_scale(0.25);
  *genotype.mutable_input_shape() = spaces::Shape{1, 28, 28}.to_proto();
  genotype.set_num_classes(10);
  const auto model = trained_tiny_model(folder, spaces::build_genotype(genotype).to_proto());
  const int64_t baseline = spaces::analyze(spaces::build_genotype(genotype)).relus;
  const std::vector<int64_t> budgets = {baseline / 2};
  const ReductionResult result =
      run_reduction(short_job(model, ReductionMethod::kDeepReduce, folder / "deepreduce", budgets));
  expect_reduced(result, budgets);
  ASSERT_EQ(result.criticality.size(), 3u);
  std::vector<int> ranks;
  for (const auto& stage : result.criticality) ranks.push_back(stage.rank);
  std::sort(ranks.begin(), ranks.end());
  EXPECT_EQ(ranks, (std::vector<int>{1, 2, 3}));
  std::filesystem::remove_all(folder);
}

TEST(ReductionRuns, RefusesBudgetsAboveTheModelAndDeepReduceOffResnets) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "skipped: Debian's dataset-fashion-mnist is not installed";
  const auto folder = fresh_directory("reduction-errors");
  const auto model = trained_tiny_model(folder, testing::tiny_fashion_architecture());
  EXPECT_THROW(run_reduction(short_job(model, ReductionMethod::kSnl, folder / "x", {5000})), Error);
  EXPECT_THROW(run_reduction(short_job(model, ReductionMethod::kDeepReduce, folder / "y", {100})), Error);
  EXPECT_THROW(parse_reduction_method("magic"), Error);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace pinas::train
