#include "nas/strategies/enas_search.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

#include "train/data/batch_loader.h"
#include "train/detail/thread_settings.h"
#include "train/supernet/search_loaders.h"
#include "train/training_data.h"

namespace pinas::nas {
namespace {

using nlohmann::json;
using train::supernet::SupernetCheckpointError;
using Clock = std::chrono::steady_clock;

constexpr int kCheckpointFormat = 1;
// Loader epochs of the reward stream: epoch e uses e * kRewardStreams + k.
constexpr uint64_t kRewardStreams = 1u << 20;

// Everything that changes the trajectory: a checkpoint of other settings is
// refused rather than silently continued.
json settings_fingerprint(const EnasSearchSettings& settings) {
  const auto& controller = settings.controller;
  return {{"data_spec", settings.data_spec},
          {"validation_fraction", settings.validation_fraction},
          {"train_subset", settings.train_subset},
          {"layers", settings.network.layers},
          {"channels", settings.network.channels},
          {"paper_ops", settings.network.op_style == train::supernet::detail::EnasOpStyle::kPaper},
          {"batch_size", settings.batch_size},
          {"epochs", settings.epochs},
          {"learning_rate", settings.learning_rate},
          {"final_learning_rate", settings.final_learning_rate},
          {"restart_period", settings.restart_period},
          {"restart_multiplier", settings.restart_multiplier},
          {"momentum", settings.momentum},
          {"weight_decay", settings.weight_decay},
          {"controller_steps", settings.controller_steps},
          {"controller_samples", settings.controller_samples},
          {"reward_batch_size", settings.reward_batch_size},
          {"final_samples", settings.final_samples},
          {"hidden_size", controller.hidden_size},
          {"tanh_constant", controller.tanh_constant},
          {"controller_learning_rate", controller.learning_rate},
          {"controller_beta1", controller.beta1},
          {"entropy_weight", controller.entropy_weight},
          {"baseline_decay", controller.baseline_decay},
          {"skip_target", controller.skip_target},
          {"skip_weight", controller.skip_weight},
          {"seed", settings.seed}};
}

json architecture_to_json(const pb::CryptoNasGenotype& architecture) {
  json layers = json::array();
  for (const auto& layer : architecture.layers())
    layers.push_back({static_cast<int>(layer.op()),
                      std::vector<int>(layer.skips().begin(), layer.skips().end())});
  return layers;
}

pb::CryptoNasGenotype architecture_from_json(const json& layers) {
  pb::CryptoNasGenotype architecture;
  architecture.set_num_layers(static_cast<int>(layers.size()));
  for (const auto& value : layers) {
    auto& layer = *architecture.add_layers();
    const int op = value.at(0).get<int>();
    if (!pb::CryptoNasOp_IsValid(op)) throw Error("unknown cryptonas op " + std::to_string(op));
    layer.set_op(static_cast<pb::CryptoNasOp>(op));
    for (int skip : value.at(1).get<std::vector<int>>()) layer.add_skips(skip);
  }
  return architecture;
}

json report_to_json(const EnasEpochReport& report) {
  return {{"epoch", report.epoch},
          {"learning_rate", report.learning_rate},
          {"train_loss", report.train_loss},
          {"train_accuracy", report.train_accuracy},
          {"val_accuracy", report.val_accuracy},
          {"mean_reward", report.mean_reward},
          {"mean_entropy", report.mean_entropy},
          {"baseline", report.baseline},
          {"seconds", report.seconds},
          {"architecture", architecture_to_json(report.architecture)}};
}

EnasEpochReport report_from_json(const json& value, int epochs) {
  EnasEpochReport report;
  report.epoch = value.at("epoch").get<int>();
  report.epochs = epochs;
  report.learning_rate = value.at("learning_rate").get<double>();
  report.train_loss = value.at("train_loss").get<double>();
  report.train_accuracy = value.at("train_accuracy").get<double>();
  report.val_accuracy = value.at("val_accuracy").get<double>();
  report.mean_reward = value.at("mean_reward").get<double>();
  report.mean_entropy = value.at("mean_entropy").get<double>();
  report.baseline = value.at("baseline").get<double>();
  report.seconds = value.at("seconds").get<double>();
  report.architecture = architecture_from_json(value.at("architecture"));
  report.resumed = true;
  return report;
}

void save_checkpoint(const std::filesystem::path& path, const json& fingerprint,
                     const std::vector<EnasEpochReport>& history,
                     train::supernet::EnasSupernetImpl& supernet,
                     torch::optim::Optimizer& optimizer, const EnasController& controller) {
  json state{{"format", kCheckpointFormat}, {"settings", fingerprint}, {"history", json::array()}};
  for (const auto& report : history) state["history"].push_back(report_to_json(report));
  torch::serialize::OutputArchive archive, supernet_archive, optimizer_archive;
  archive.write("state", train::supernet::bytes_to_tensor(state.dump()));
  supernet.save(supernet_archive);
  optimizer.save(optimizer_archive);
  archive.write("supernet", supernet_archive);
  archive.write("child_optimizer", optimizer_archive);
  archive.write("controller", train::supernet::bytes_to_tensor(controller.save_state()));
  train::supernet::save_archive_atomically(archive, path);
}

std::vector<EnasEpochReport> load_checkpoint(const std::filesystem::path& path,
                                             const json& fingerprint, int epochs,
                                             train::supernet::EnasSupernetImpl& supernet,
                                             torch::optim::Optimizer& optimizer,
                                             EnasController& controller) {
  std::vector<EnasEpochReport> history;
  train::supernet::load_checkpoint_archive(
      path, kCheckpointFormat, fingerprint, epochs,
      [&](torch::serialize::InputArchive& archive, const json& state) {
        for (const auto& value : state.at("history"))
          history.push_back(report_from_json(value, epochs));
        torch::serialize::InputArchive supernet_archive, optimizer_archive;
        torch::Tensor controller_bytes;
        archive.read("supernet", supernet_archive);
        archive.read("child_optimizer", optimizer_archive);
        archive.read("controller", controller_bytes);
        supernet.load(supernet_archive);
        optimizer.load(optimizer_archive);
        controller.load_state(train::supernet::tensor_to_bytes(controller_bytes));
      });
  return history;
}

void check_settings(const EnasSearchSettings& settings) {
  auto refuse = [](const std::string& why) { throw Error("enas: " + why); };
  if (settings.epochs < 1) refuse("epochs must be at least 1");
  if (settings.batch_size < 2 || settings.reward_batch_size < 2)
    refuse("batch sizes must be at least 2 (batch norm)");
  if (settings.group && (settings.batch_size < settings.group->size() ||
                         settings.reward_batch_size < settings.group->size()))
    refuse(fmt::format("batch sizes must be at least the {} data-parallel ranks",
                       settings.group->size()));
  if (!(settings.learning_rate > 0) || settings.final_learning_rate < 0 ||
      settings.final_learning_rate > settings.learning_rate)
    refuse(
        "learning rates must satisfy 0 <= final_learning_rate <= learning_rate, learning_rate > 0");
  if (settings.restart_period < 1 || settings.restart_multiplier < 1)
    refuse("restart_period and restart_multiplier must be at least 1");
  if (settings.controller_steps < 0 || settings.controller_samples < 1 ||
      settings.final_samples < 1)
    refuse("controller_steps must not be negative, controller_samples and final_samples positive");
}

// An endless stream of shuffled validation minibatches for the rewards;
// its order is a function of (seed, epoch) alone.
class RewardBatches {
 public:
  RewardBatches(std::shared_ptr<const train::data::ImageDataset> part, int64_t batch_size,
                uint64_t seed, const train::data::Normalization& normalization)
      : loader_(train::supernet::make_search_loader(
            std::move(part), batch_size, seed, normalization, train::data::AugmentationOptions{})) {
  }
  void start_epoch(int epoch) {
    stream_ = static_cast<uint64_t>(epoch) * kRewardStreams;
    loader_->start_epoch(stream_);
  }
  train::data::Batch next() {
    auto batch = loader_->next();
    if (!batch) {
      loader_->start_epoch(++stream_);
      batch = loader_->next();
    }
    return std::move(*batch);
  }

 private:
  std::unique_ptr<train::data::BatchLoader> loader_;
  uint64_t stream_ = 0;
};

using train::supernet::DataParallelGroup;

torch::Tensor shard(DataParallelGroup* group, const torch::Tensor& batch) {
  return group != nullptr ? train::supernet::shard_of(*group, batch) : batch;
}

// Correct predictions over the whole batch (data parallel: this rank's
// shard, the counts summed over the ranks).
std::pair<int64_t, int64_t> batch_correct(train::supernet::EnasSupernetImpl& supernet,
                                          const torch::Tensor& images, const torch::Tensor& labels,
                                          const pb::CryptoNasGenotype& architecture,
                                          DataParallelGroup* group) {
  torch::NoGradGuard no_grad;
  const auto shard_labels = shard(group, labels);
  int64_t correct = supernet.forward(shard(group, images), architecture)
                        .argmax(1)
                        .eq(shard_labels)
                        .sum()
                        .item<int64_t>();
  int64_t total = shard_labels.size(0);
  if (group != nullptr) {
    const auto sums = train::supernet::sum_values(
        *group, {static_cast<double>(correct), static_cast<double>(total)});
    correct = static_cast<int64_t>(sums[0]);
    total = static_cast<int64_t>(sums[1]);
  }
  return {correct, total};
}

double batch_accuracy(train::supernet::EnasSupernetImpl& supernet, const train::data::Batch& batch,
                      const pb::CryptoNasGenotype& architecture, DataParallelGroup* group) {
  const auto [correct, total] =
      batch_correct(supernet, batch.images, batch.labels, architecture, group);
  return static_cast<double>(correct) / static_cast<double>(total);
}

double part_accuracy(train::supernet::EnasSupernetImpl& supernet,
                     std::shared_ptr<const train::data::ImageDataset> part,
                     const train::data::Normalization& normalization,
                     const pb::CryptoNasGenotype& architecture, DataParallelGroup* group) {
  train::data::BatchLoaderOptions options;
  options.batch_size = 256;
  options.shuffle = false;
  options.threads = 1;
  options.normalization = normalization;
  train::data::BatchLoader loader(std::move(part), options);
  torch::NoGradGuard no_grad;
  int64_t correct = 0, total = 0;
  loader.start_epoch(0);
  while (auto batch = loader.next()) {
    const auto [batch_correct_count, batch_total] =
        batch_correct(supernet, batch->images, batch->labels, architecture, group);
    correct += batch_correct_count;
    total += batch_total;
  }
  return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

}  // namespace

double cosine_with_restarts(double initial, double final_rate, int restart_period,
                            int restart_multiplier, int epoch) {
  if (restart_period < 1 || restart_multiplier < 1)
    throw Error("cosine with restarts: the period and multiplier must be at least 1");
  int64_t period = restart_period, start = 0;
  while (epoch >= start + period) {
    start += period;
    period *= restart_multiplier;
  }
  const double t = static_cast<double>(epoch - start) / static_cast<double>(period);
  return final_rate + (initial - final_rate) * (1.0 + std::cos(std::numbers::pi * t)) / 2.0;
}

EnasSearchResult run_enas_search(const EnasSearchSettings& settings,
                                 const std::function<void(const EnasEpochReport&)>& on_epoch) {
  check_settings(settings);
  if (settings.threads > 0) train::detail::use_intra_op_threads(settings.threads);
  train::TrainingDataRequest request;
  request.spec = settings.data_spec;
  request.validation_fraction = settings.validation_fraction;
  request.train_subset = settings.train_subset;
  request.test_subset = settings.test_subset;
  auto data = train::load_training_data(request);
  if (!data->validation || data->validation->size() < 2 || data->train->size() < 2)
    throw Error(fmt::format(
        "enas: {} has {} training and {} validation images; the search needs at least 2 of each "
        "(dataset.validation_fraction)",
        settings.data_spec, data->train->size(), data->validation ? data->validation->size() : 0));

  auto network = settings.network;
  network.input_channels = data->info.channels;
  network.input_height = data->info.height;
  network.input_width = data->info.width;
  network.num_classes = static_cast<int64_t>(data->info.class_count());
  train::supernet::EnasSupernet supernet(network, settings.seed);
  torch::optim::SGD optimizer(supernet->parameters(),
                              torch::optim::SGDOptions(settings.learning_rate)
                                  .momentum(settings.momentum)
                                  .nesterov(true)
                                  .weight_decay(settings.weight_decay));
  auto controller_options = settings.controller;
  controller_options.layers = network.layers;
  EnasController controller(controller_options, settings.seed * 2 + 1);
  const json fingerprint = settings_fingerprint(settings);

  EnasSearchResult result;
  if (!settings.checkpoint.empty() && std::filesystem::exists(settings.checkpoint)) {
    result.history = load_checkpoint(settings.checkpoint, fingerprint, settings.epochs, *supernet,
                                     optimizer, controller);
    result.epochs_resumed = static_cast<int>(result.history.size());
  }
  for (const auto& report : result.history)
    if (on_epoch) on_epoch(report);

  train::data::BatchLoaderOptions child_options;
  child_options.batch_size = settings.batch_size;
  child_options.shuffle = true;
  child_options.drop_last = static_cast<int64_t>(data->train->size()) > settings.batch_size;
  child_options.seed = settings.seed * 2 + 1;
  child_options.threads = 1;
  child_options.normalization = data->normalization;
  child_options.augmentation = data->augmentation;
  train::data::BatchLoader child_loader(data->train, child_options);
  RewardBatches rewards(data->validation, settings.reward_batch_size, settings.seed * 2 + 2,
                        data->normalization);

  DataParallelGroup* group = settings.group.get();
  // Batch norms use the global batch's statistics (detail/synchronized_batch_norm.h).
  train::supernet::DataParallelScope data_parallel(group);
  const bool writes_checkpoint = !settings.checkpoint.empty() && (!group || group->rank() == 0);
  supernet->train();
  for (int epoch = static_cast<int>(result.history.size()); epoch < settings.epochs; ++epoch) {
    const auto start = Clock::now();
    const double learning_rate =
        cosine_with_restarts(settings.learning_rate, settings.final_learning_rate,
                             settings.restart_period, settings.restart_multiplier, epoch);
    for (auto& group : optimizer.param_groups())
      static_cast<torch::optim::SGDOptions&>(group.options()).lr(learning_rate);
    child_loader.start_epoch(static_cast<uint64_t>(epoch));
    double loss_sum = 0;
    int64_t batches = 0, correct = 0, seen = 0;
    while (auto batch = child_loader.next()) {
      const auto architecture = controller.sample();  // one new architecture per minibatch
      // Gradients set to none, not zero: the idle branches get no step
      // (neither momentum nor weight decay), so a step depends on the
      // checkpointed state alone, not on which branches this process used.
      supernet->zero_grad(/*set_to_none=*/true);
      const auto labels = shard(group, batch->labels);
      const auto logits = supernet->forward(shard(group, batch->images), architecture);
      // Data parallel: each rank's share of the global batch's mean loss.
      const auto loss =
          group == nullptr
              ? torch::nn::functional::cross_entropy(logits, labels)
              : torch::nn::functional::cross_entropy(
                    logits, labels,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
                    static_cast<double>(batch->labels.size(0));
      double loss_value = loss.item<double>();
      int64_t step_correct = logits.argmax(1).eq(labels).sum().item<int64_t>();
      loss.backward();
      if (group != nullptr) {
        train::supernet::sum_gradients(*group, supernet->parameters());
        const auto sums =
            train::supernet::sum_values(*group, {loss_value, static_cast<double>(step_correct)});
        loss_value = sums[0];
        step_correct = static_cast<int64_t>(sums[1]);
      }
      if (!std::isfinite(loss_value))
        throw Error(fmt::format("enas: non-finite loss ({}) at epoch {}, batch {}", loss_value,
                                epoch + 1, batches + 1));
      optimizer.step();
      if (settings.on_step) settings.on_step(*supernet, controller);
      loss_sum += loss_value;
      ++batches;
      correct += step_correct;
      seen += batch->labels.size(0);
    }

    EnasEpochReport report;
    rewards.start_epoch(epoch);
    int updates = 0;
    for (int step = 0; step < settings.controller_steps; ++step) {
      std::vector<pb::CryptoNasGenotype> architectures;
      std::vector<double> accuracies;
      for (int k = 0; k < settings.controller_samples; ++k) {
        architectures.push_back(controller.sample());
        accuracies.push_back(
            batch_accuracy(*supernet, rewards.next(), architectures.back(), group));
      }
      const auto update = controller.update(architectures, accuracies);
      report.mean_reward += update.mean_reward;
      report.mean_entropy += update.mean_entropy;
      ++updates;
    }
    report.epoch = epoch + 1;
    report.epochs = settings.epochs;
    report.learning_rate = learning_rate;
    report.train_loss = batches > 0 ? loss_sum / static_cast<double>(batches) : std::nan("");
    report.train_accuracy =
        seen > 0 ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
    if (updates > 0) {
      report.mean_reward /= updates;
      report.mean_entropy /= updates;
    }
    report.baseline = controller.baseline();
    report.architecture = controller.most_likely();
    report.val_accuracy =
        part_accuracy(*supernet, data->validation, data->normalization, report.architecture, group);
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.history.push_back(report);
    if (writes_checkpoint)
      save_checkpoint(settings.checkpoint, fingerprint, result.history, *supernet, optimizer,
                      controller);
    if (on_epoch) on_epoch(report);
  }

  // Selection (ENAS, CryptoNAS): sample, score each on one validation
  // minibatch, keep the best. The controller state after the last epoch is
  // in the checkpoint, so a resumed run draws the same samples.
  rewards.start_epoch(settings.epochs);
  const auto scoring_batch = rewards.next();
  for (int k = 0; k < settings.final_samples; ++k) {
    EnasCandidate candidate;
    candidate.architecture = controller.sample();
    candidate.accuracy = batch_accuracy(*supernet, scoring_batch, candidate.architecture, group);
    if (result.scored.empty() || candidate.accuracy > result.best_accuracy) {
      result.best = candidate.architecture;
      result.best_accuracy = candidate.accuracy;
    }
    result.scored.push_back(std::move(candidate));
  }
  return result;
}

}  // namespace pinas::nas
