// Sphynx's reduction-location search: the Gumbel-softmax choice picks the
// one informative candidate of a seeded toy problem, its temperature
// schedule and candidate pairs follow the recipe, a resumed search equals an
// uninterrupted one, and the sphynx candidates train on Fashion-MNIST.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <random>

#include "tests/train/detail/training_fixtures.h"
#include "train/supernet/location_search.h"
#include "train/supernet/sphynx_location_search.h"

namespace pinas::train::supernet {
namespace {

// A linear classifier that sees one pixel of a 1 x 2 x 2 image.
class OnePixelClassifierImpl : public torch::nn::Module {
 public:
  OnePixelClassifierImpl(int64_t pixel, uint64_t seed) : pixel_(pixel) {
    torch::manual_seed(seed);
    linear_ = register_module("linear", torch::nn::Linear(1, 2));
  }
  torch::Tensor forward(const torch::Tensor& images) {
    return linear_->forward(images.flatten(1).narrow(1, pixel_, 1));
  }

 private:
  int64_t pixel_;
  torch::nn::Linear linear_{nullptr};
};
TORCH_MODULE(OnePixelClassifier);

// Pixels uniform, the label is whether pixel `informative` is bright: only
// the candidate looking at that pixel can beat chance.
std::shared_ptr<const data::ImageDataset> toy_images(size_t count, int informative, uint64_t seed) {
  data::ImageDataset dataset;
  dataset.name = "toy";
  dataset.channels = 1;
  dataset.height = 2;
  dataset.width = 2;
  dataset.class_names = {"dark", "bright"};
  std::mt19937_64 random(seed);
  for (size_t i = 0; i < count; ++i) {
    for (int p = 0; p < 4; ++p) dataset.pixels.push_back(static_cast<uint8_t>(random() & 0xff));
    dataset.labels.push_back(dataset.pixels[i * 4 + static_cast<size_t>(informative)] >= 128);
  }
  return std::make_shared<const data::ImageDataset>(std::move(dataset));
}

LocationSearchInputs toy_inputs(int informative) {
  LocationSearchInputs inputs;
  for (int pixel = 0; pixel < 4; ++pixel)
    inputs.candidates.emplace_back(OnePixelClassifier(pixel, 100 + static_cast<uint64_t>(pixel)));
  inputs.weight_part = toy_images(512, informative, 1);
  inputs.beta_part = toy_images(512, informative, 2);
  return inputs;
}

LocationSearchSettings toy_settings() {
  LocationSearchSettings settings;
  settings.epochs = 6;
  settings.batch_size = 32;
  settings.beta_learning_rate = 0.05;  // the toy has few steps; the recipe's 3e-4 needs many
  settings.learning_rate = 0.5;
  settings.seed = 5;
  return settings;
}

TEST(LocationSearchTest, PicksTheInformativeCandidateOfAToyProblem) {
  torch::set_num_threads(1);
  for (int informative : {2, 3}) {
    const auto result = run_location_search(toy_settings(), toy_inputs(informative));
    EXPECT_EQ(result.chosen, informative);
    const auto& last = result.history.back();
    EXPECT_EQ(last.chosen, informative);
    EXPECT_GT(last.probabilities[static_cast<size_t>(informative)], 0.5);
    EXPECT_GT(last.val_accuracy, 0.9);  // a threshold on one pixel
  }
}

TEST(LocationSearchTest, TemperatureFallsLinearlyFromTheRecipesTenToATenth) {
  LocationSearchSettings settings;  // the recipe: 50 epochs, 10 -> 0.1
  EXPECT_DOUBLE_EQ(location_search_temperature(settings, 0), 10.0);
  EXPECT_NEAR(location_search_temperature(settings, 49), 0.1, 1e-12);
  EXPECT_NEAR(location_search_temperature(settings, 1), 10.0 - 9.9 / 49.0, 1e-12);
  EXPECT_EQ(settings.candidates_per_step, 3);
  EXPECT_EQ(settings.batch_size, 96);
}

TEST(LocationSearchTest, CandidatePairsAreTheRecipesJBelowIUpToTwoThirdsOfL) {
  using Pairs = std::vector<std::pair<int, int>>;
  EXPECT_EQ(reduction_location_pairs(5), (Pairs{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}));
  EXPECT_EQ(reduction_location_pairs(3), (Pairs{{0, 1}, {0, 2}, {1, 2}}));
  const auto ten = reduction_location_pairs(10);  // 2L/3 = 6: 21 pairs, Sphynx's [0, 5] among them
  EXPECT_EQ(ten.size(), 21u);
  EXPECT_NE(std::find(ten.begin(), ten.end(), std::make_pair(0, 5)), ten.end());
  EXPECT_EQ(reduction_location_pairs(5, 2), (Pairs{{0, 1}, {0, 2}, {1, 2}}));
  EXPECT_THROW(reduction_location_pairs(1), Error);
}

TEST(LocationSearchTest, AResumedSearchEqualsAnUninterruptedOne) {
  torch::set_num_threads(1);
  const auto directory = testing::fresh_directory("location-resume");
  auto settings = toy_settings();
  settings.checkpoint = directory / "uninterrupted.pt";
  const auto reference = run_location_search(settings, toy_inputs(2));
  settings.checkpoint = directory / "interrupted.pt";
  struct Interrupted {};
  EXPECT_THROW(run_location_search(settings, toy_inputs(2),
                                   [](const LocationEpochReport& report) {
                                     if (report.epoch == 3) throw Interrupted{};
                                   }),
               Interrupted);
  const auto result = run_location_search(settings, toy_inputs(2));
  EXPECT_EQ(result.epochs_resumed, 3);
  EXPECT_EQ(result.beta, reference.beta);
  ASSERT_EQ(result.history.size(), reference.history.size());
  for (size_t i = 0; i < result.history.size(); ++i) {
    EXPECT_EQ(result.history[i].train_loss, reference.history[i].train_loss) << "epoch " << i + 1;
    EXPECT_EQ(result.history[i].probabilities, reference.history[i].probabilities);
  }
  settings.seed = 6;  // other settings: refused, naming the file
  try {
    run_location_search(settings, toy_inputs(2));
    ADD_FAILURE() << "a checkpoint of another seed was accepted";
  } catch (const SupernetCheckpointError& error) {
    EXPECT_NE(std::string(error.what()).find("interrupted.pt"), std::string::npos) << error.what();
  }
  std::filesystem::remove_all(directory);
}

TEST(LocationSearchTest, RefusesTooFewCandidatesAndBadSettings) {
  auto inputs = toy_inputs(2);
  inputs.candidates.resize(1);
  EXPECT_THROW(run_location_search(toy_settings(), inputs), Error);
  auto settings = toy_settings();
  settings.final_temperature = 0;
  EXPECT_THROW(run_location_search(settings, toy_inputs(2)), Error);
}

TEST(SphynxLocationSearchTest, SphynxCandidatesTrainOnFashionMnist) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "skipped: no Fashion-MNIST in /usr/share/datasets/fashion-mnist";
  torch::set_num_threads(1);
  SphynxLocationSearchSettings settings;
  settings.train_subset = 256;
  settings.validation_fraction = 0.01;
  settings.num_cells = 3;
  settings.channels = 2;
  auto& cells = settings.cells;
  for (auto* cell : {cells.mutable_normal(), cells.mutable_reduction()}) {
    for (int node = 0; node < 4; ++node) {
      auto& added = *cell->add_nodes();
      added.mutable_first()->set_input(0);
      added.mutable_first()->set_op(pb::SPHYNX_CONV_3X3);
      added.mutable_second()->set_input(1 + node);
      added.mutable_second()->set_op(pb::SPHYNX_SKIP);
    }
  }
  settings.search.epochs = 2;
  settings.search.batch_size = 32;
  int epochs = 0;
  const auto result = run_sphynx_location_search(
      settings, [&](const LocationEpochReport& report, const auto& pairs) {
        ++epochs;
        EXPECT_EQ(pairs.size(), 3u);
        EXPECT_EQ(report.probabilities.size(), 3u);
        EXPECT_TRUE(std::isfinite(report.train_loss));
      });
  EXPECT_EQ(epochs, 2);
  EXPECT_EQ(result.pairs.size(), 3u);
  EXPECT_LT(result.chosen.first, result.chosen.second);
  EXPECT_GT(result.search.history.back().val_accuracy, 0.1);  // chance is 0.1
}

}  // namespace
}  // namespace pinas::train::supernet
