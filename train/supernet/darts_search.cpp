#include "train/supernet/darts_search.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

#include "train/data/batch_loader.h"
#include "train/data/split.h"
#include "train/detail/thread_settings.h"
#include "train/supernet/darts_step.h"
#include "train/supernet/search_loaders.h"
#include "train/supernet/supernet_checkpoint.h"
#include "train/training_data.h"

namespace pinas::train::supernet {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kCheckpointFormat = 1;

// Everything that changes the trajectory: a checkpoint of other settings is
// refused rather than silently continued. Threads do not change the result
// (up to floating-point reassociation), the checkpoint path is where it is.
json settings_fingerprint(const DartsSearchSettings& settings) {
  const auto& network = settings.network;
  return {{"data_spec", settings.data_spec},
          {"validation_fraction", settings.validation_fraction},
          {"train_subset", settings.train_subset},
          {"weight_fraction", settings.weight_fraction},
          {"cells", network.cells},
          {"channels", network.channels},
          {"reduction_positions", network.reduction_positions},
          {"stem_multiplier", network.stem_multiplier},
          {"alpha_init_scale", network.alpha_init_scale},
          {"paper_ops", network.op_style == detail::OpStyle::kPaper},
          {"batch_size", settings.batch_size},
          {"epochs", settings.epochs},
          {"learning_rate", settings.learning_rate},
          {"final_learning_rate", settings.final_learning_rate},
          {"momentum", settings.momentum},
          {"weight_decay", settings.weight_decay},
          {"gradient_clip", settings.gradient_clip},
          {"alpha_learning_rate", settings.alpha_learning_rate},
          {"alpha_beta1", settings.alpha_beta1},
          {"alpha_beta2", settings.alpha_beta2},
          {"alpha_weight_decay", settings.alpha_weight_decay},
          {"unrolled", settings.unrolled},
          {"seed", settings.seed}};
}

json cell_to_json(const pb::SphynxCell& cell) {
  json edges = json::array();
  for (const auto& node : cell.nodes()) {
    for (const auto* edge : {&node.first(), &node.second()})
      edges.push_back({edge->input(), static_cast<int>(edge->op())});
  }
  return edges;
}

pb::SphynxCell cell_from_json(const json& edges) {
  pb::SphynxCell cell;
  if (!edges.is_array() || edges.size() != 2 * DartsSupernetImpl::kNodes)
    throw Error("a cell needs 8 edges");
  for (size_t i = 0; i < edges.size(); i += 2) {
    auto& node = *cell.add_nodes();
    for (size_t e = 0; e < 2; ++e) {
      auto* edge = e == 0 ? node.mutable_first() : node.mutable_second();
      edge->set_input(edges[i + e].at(0).get<int>());
      const int op = edges[i + e].at(1).get<int>();
      if (!pb::SphynxOp_IsValid(op)) throw Error("unknown sphynx op " + std::to_string(op));
      edge->set_op(static_cast<pb::SphynxOp>(op));
    }
  }
  return cell;
}

json report_to_json(const DartsEpochReport& report) {
  return {{"epoch", report.epoch},
          {"learning_rate", report.learning_rate},
          {"train_loss", report.train_loss},
          {"train_accuracy", report.train_accuracy},
          {"val_accuracy", report.val_accuracy},
          {"seconds", report.seconds},
          {"normal", cell_to_json(report.cells.normal())},
          {"reduction", cell_to_json(report.cells.reduction())},
          {"alpha_normal", report.alpha_normal},
          {"alpha_reduce", report.alpha_reduce}};
}

std::vector<double> alpha_values(const torch::Tensor& alpha) {
  auto values = alpha.detach().to(torch::kCPU, torch::kDouble).contiguous();
  return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}

DartsEpochReport report_from_json(const json& value, int epochs) {
  DartsEpochReport report;
  report.epoch = value.at("epoch").get<int>();
  report.epochs = epochs;
  report.learning_rate = value.at("learning_rate").get<double>();
  report.train_loss = value.at("train_loss").get<double>();
  report.train_accuracy = value.at("train_accuracy").get<double>();
  report.val_accuracy = value.at("val_accuracy").get<double>();
  report.seconds = value.at("seconds").get<double>();
  *report.cells.mutable_normal() = cell_from_json(value.at("normal"));
  *report.cells.mutable_reduction() = cell_from_json(value.at("reduction"));
  if (value.contains("alpha_normal")) {
    report.alpha_normal = value.at("alpha_normal").get<std::vector<double>>();
    report.alpha_reduce = value.at("alpha_reduce").get<std::vector<double>>();
    const size_t size = static_cast<size_t>(DartsSupernetImpl::kEdges) * detail::kMixedOpCount;
    if (report.alpha_normal.size() != size || report.alpha_reduce.size() != size)
      throw Error(fmt::format("epoch {}: recorded alphas need {} values each", report.epoch, size));
  }
  report.resumed = true;
  return report;
}

void save_checkpoint(const std::filesystem::path& path, const json& fingerprint,
                     const std::vector<DartsEpochReport>& history, DartsSupernetImpl& supernet,
                     torch::optim::Optimizer& weight_optimizer,
                     torch::optim::Optimizer& alpha_optimizer) {
  json state{{"format", kCheckpointFormat}, {"settings", fingerprint}, {"history", json::array()}};
  for (const auto& report : history) state["history"].push_back(report_to_json(report));
  torch::serialize::OutputArchive archive;
  archive.write("state", bytes_to_tensor(state.dump()));
  torch::serialize::OutputArchive supernet_archive, weight_archive, alpha_archive;
  supernet.save(supernet_archive);
  weight_optimizer.save(weight_archive);
  alpha_optimizer.save(alpha_archive);
  archive.write("supernet", supernet_archive);
  archive.write("weight_optimizer", weight_archive);
  archive.write("alpha_optimizer", alpha_archive);
  save_archive_atomically(archive, path);
}

std::vector<DartsEpochReport> load_checkpoint(const std::filesystem::path& path,
                                              const json& fingerprint, int epochs,
                                              DartsSupernetImpl& supernet,
                                              torch::optim::Optimizer& weight_optimizer,
                                              torch::optim::Optimizer& alpha_optimizer) {
  std::vector<DartsEpochReport> history;
  load_checkpoint_archive(path, kCheckpointFormat, fingerprint, epochs,
                          [&](torch::serialize::InputArchive& archive, const json& state) {
                            for (const auto& value : state.at("history"))
                              history.push_back(report_from_json(value, epochs));
                            torch::serialize::InputArchive supernet_archive, weight_archive,
                                alpha_archive;
                            archive.read("supernet", supernet_archive);
                            archive.read("weight_optimizer", weight_archive);
                            archive.read("alpha_optimizer", alpha_archive);
                            supernet.load(supernet_archive);
                            weight_optimizer.load(weight_archive);
                            alpha_optimizer.load(alpha_archive);
                          });
  return history;
}

void check_settings(const DartsSearchSettings& settings) {
  if (settings.epochs < 1) throw Error("darts: epochs must be at least 1");
  if (settings.batch_size < 2) throw Error("darts: batch_size must be at least 2 (batch norm)");
  if (!(settings.weight_fraction > 0 && settings.weight_fraction < 1))
    throw Error("darts: weight_fraction must be in (0, 1)");
  if (settings.group && settings.batch_size < settings.group->size())
    throw Error(fmt::format("darts: batch_size {} is smaller than the {} data-parallel ranks",
                            settings.batch_size, settings.group->size()));
  if (!(settings.learning_rate > 0) || settings.final_learning_rate < 0 ||
      !(settings.alpha_learning_rate > 0))
    throw Error("darts: learning rates must be positive");
}

// Cosine annealing per epoch (pt.darts' CosineAnnealingLR over the epochs).
double epoch_learning_rate(const DartsSearchSettings& settings, int epoch) {
  const double t = static_cast<double>(epoch) / static_cast<double>(settings.epochs);
  return settings.final_learning_rate + (settings.learning_rate - settings.final_learning_rate) *
                                            (1.0 + std::cos(std::numbers::pi * t)) / 2.0;
}

// Evaluation mode: batch norm uses its running statistics, so each rank
// evaluates its shard of every batch without talking; the counts are summed.
double alpha_part_accuracy(DartsSupernetImpl& supernet,
                           std::shared_ptr<const data::ImageDataset> dataset,
                           const data::Normalization& normalization, DataParallelGroup* group) {
  auto loader = make_evaluation_loader(std::move(dataset), normalization);
  supernet.eval();
  torch::NoGradGuard no_grad;
  int64_t correct = 0, total = 0;
  loader->start_epoch(0);
  while (auto batch = loader->next()) {
    auto images = group != nullptr ? shard_of(*group, batch->images) : batch->images;
    auto labels = group != nullptr ? shard_of(*group, batch->labels) : batch->labels;
    correct += supernet.forward(images).argmax(1).eq(labels).sum().item<int64_t>();
    total += labels.size(0);
  }
  supernet.train();
  if (group != nullptr) {
    const auto sums =
        sum_values(*group, {static_cast<double>(correct), static_cast<double>(total)});
    correct = static_cast<int64_t>(sums[0]);
    total = static_cast<int64_t>(sums[1]);
  }
  return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

}  // namespace

DartsSearchResult run_darts_search(const DartsSearchSettings& settings,
                                   const std::function<void(const DartsEpochReport&)>& on_epoch) {
  check_settings(settings);
  if (settings.threads > 0) train::detail::use_intra_op_threads(settings.threads);
  TrainingDataRequest request;
  request.spec = settings.data_spec;
  request.validation_fraction = settings.validation_fraction;
  request.train_subset = settings.train_subset;
  request.test_subset = settings.test_subset;
  auto data = load_training_data(request);
  auto halves =
      data::split_train_validation(*data->train, 1.0 - settings.weight_fraction, settings.seed);
  auto weight_part = std::make_shared<const data::ImageDataset>(std::move(halves.train));
  auto alpha_part = std::make_shared<const data::ImageDataset>(std::move(halves.validation));
  if (weight_part->size() < 2 || alpha_part->size() < 2)
    throw Error(
        fmt::format("darts: the training part of {} ({} images) is too small to split into weight "
                    "and alpha parts",
                    settings.data_spec, data->train->size()));

  DartsSupernetOptions network = settings.network;
  network.input_channels = data->info.channels;
  network.input_height = data->info.height;
  network.input_width = data->info.width;
  network.num_classes = static_cast<int64_t>(data->info.class_count());
  DartsSupernet supernet(network, settings.seed);
  torch::optim::SGD weight_optimizer(supernet->weight_parameters(),
                                     torch::optim::SGDOptions(settings.learning_rate)
                                         .momentum(settings.momentum)
                                         .weight_decay(settings.weight_decay));
  torch::optim::Adam alpha_optimizer(supernet->alpha_parameters(),
                                     torch::optim::AdamOptions(settings.alpha_learning_rate)
                                         .betas({settings.alpha_beta1, settings.alpha_beta2})
                                         .weight_decay(settings.alpha_weight_decay));
  const json fingerprint = settings_fingerprint(settings);

  DartsSearchResult result;
  if (!settings.checkpoint.empty() && std::filesystem::exists(settings.checkpoint)) {
    result.history = load_checkpoint(settings.checkpoint, fingerprint, settings.epochs, *supernet,
                                     weight_optimizer, alpha_optimizer);
    result.epochs_resumed = static_cast<int>(result.history.size());
    // The last epoch's alphas are the supernet's, recorded or not.
    if (!result.history.empty() && result.history.back().alpha_normal.empty()) {
      result.history.back().alpha_normal = alpha_values(supernet->alpha_normal());
      result.history.back().alpha_reduce = alpha_values(supernet->alpha_reduce());
    }
    // Derivation is not part of the trajectory: derive again with this
    // search's cap (so a cap set after the search applies to every epoch).
    for (auto& report : result.history) {
      if (!report.alpha_normal.empty())
        report.cells = DartsSupernetImpl::derive_cells(report.alpha_normal, report.alpha_reduce,
                                                       settings.max_normal_skips);
      else
        report.derivable = settings.max_normal_skips < 0;
    }
  }
  for (const auto& report : result.history) {
    if (on_epoch) on_epoch(report);
  }

  auto weight_loader = make_search_loader(weight_part, settings.batch_size, settings.seed * 2 + 1,
                                          data->normalization, data->augmentation);
  auto alpha_loader = make_search_loader(alpha_part, settings.batch_size, settings.seed * 2 + 2,
                                         data->normalization, data->augmentation);

  DartsStepSettings step_settings;
  step_settings.unrolled = settings.unrolled;
  step_settings.momentum = settings.momentum;
  step_settings.weight_decay = settings.weight_decay;
  step_settings.gradient_clip = settings.gradient_clip;
  DataParallelGroup* group = settings.group.get();
  step_settings.group = group;
  // Batch norms use the global batch's statistics (detail/synchronized_batch_norm.h).
  DataParallelScope data_parallel(group);
  const bool writes_checkpoint = !settings.checkpoint.empty() && (!group || group->rank() == 0);
  supernet->train();
  for (int epoch = static_cast<int>(result.history.size()); epoch < settings.epochs; ++epoch) {
    const auto start = Clock::now();
    const double learning_rate = epoch_learning_rate(settings, epoch);
    for (auto& group : weight_optimizer.param_groups())
      static_cast<torch::optim::SGDOptions&>(group.options()).lr(learning_rate);
    weight_loader->start_epoch(static_cast<uint64_t>(epoch));
    alpha_loader->start_epoch(static_cast<uint64_t>(epoch));
    double loss_sum = 0;
    int64_t batches = 0, correct = 0, seen = 0;
    while (true) {
      auto weight_batch = weight_loader->next();
      auto alpha_batch = alpha_loader->next();
      if (!weight_batch || !alpha_batch) break;
      auto shard = [&](const torch::Tensor& batch) {
        return group != nullptr ? shard_of(*group, batch) : batch;
      };
      const auto weight_labels = shard(weight_batch->labels);
      const auto step = darts_step(*supernet, weight_optimizer, alpha_optimizer, step_settings,
                                   learning_rate, shard(weight_batch->images), weight_labels,
                                   shard(alpha_batch->images), shard(alpha_batch->labels));
      double loss_value = step.loss;
      int64_t step_correct = step.logits.argmax(1).eq(weight_labels).sum().item<int64_t>();
      int64_t step_seen = weight_labels.size(0);
      if (group != nullptr) {
        const auto sums = sum_values(*group, {loss_value, static_cast<double>(step_correct),
                                              static_cast<double>(step_seen)});
        loss_value = sums[0];
        step_correct = static_cast<int64_t>(sums[1]);
        step_seen = static_cast<int64_t>(sums[2]);
      }
      if (settings.on_step) settings.on_step(epoch, batches, *supernet);
      if (!std::isfinite(loss_value))
        throw Error(fmt::format("darts: non-finite loss ({}) at epoch {}, batch {}", loss_value,
                                epoch + 1, batches + 1));
      loss_sum += loss_value;
      ++batches;
      correct += step_correct;
      seen += step_seen;
    }
    DartsEpochReport report;
    report.epoch = epoch + 1;
    report.epochs = settings.epochs;
    report.learning_rate = learning_rate;
    report.train_loss = batches > 0 ? loss_sum / static_cast<double>(batches) : std::nan("");
    report.train_accuracy =
        seen > 0 ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
    report.val_accuracy = alpha_part_accuracy(*supernet, alpha_part, data->normalization, group);
    report.alpha_normal = alpha_values(supernet->alpha_normal());
    report.alpha_reduce = alpha_values(supernet->alpha_reduce());
    report.cells = supernet->derive_cells(settings.max_normal_skips);
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.history.push_back(report);
    if (writes_checkpoint)
      save_checkpoint(settings.checkpoint, fingerprint, result.history, *supernet, weight_optimizer,
                      alpha_optimizer);
    if (on_epoch) on_epoch(report);
  }
  for (const auto& report : result.history) {
    if (!report.derivable) continue;
    if (result.best_epoch == 0 || report.val_accuracy > result.best_val_accuracy) {
      result.best_val_accuracy = report.val_accuracy;
      result.best_epoch = report.epoch;
      result.best_cells = report.cells;
    }
  }
  return result;
}

}  // namespace pinas::train::supernet
