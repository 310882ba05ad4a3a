#include "train/supernet/location_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "train/data/batch_loader.h"
#include "train/supernet/search_loaders.h"

namespace pinas::train::supernet {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kCheckpointFormat = 1;

json settings_fingerprint(const LocationSearchSettings& settings,
                          const LocationSearchInputs& inputs) {
  return {{"candidates", inputs.candidates.size()},
          {"weight_images", inputs.weight_part->size()},
          {"beta_images", inputs.beta_part->size()},
          {"epochs", settings.epochs},
          {"batch_size", settings.batch_size},
          {"initial_temperature", settings.initial_temperature},
          {"final_temperature", settings.final_temperature},
          {"candidates_per_step", settings.candidates_per_step},
          {"beta_learning_rate", settings.beta_learning_rate},
          {"beta_beta1", settings.beta_beta1},
          {"beta_beta2", settings.beta_beta2},
          {"learning_rate", settings.learning_rate},
          {"momentum", settings.momentum},
          {"weight_decay", settings.weight_decay},
          {"gradient_clip", settings.gradient_clip},
          {"seed", settings.seed}};
}

void check_settings(const LocationSearchSettings& settings, const LocationSearchInputs& inputs) {
  if (settings.epochs < 1) throw Error("location search: epochs must be at least 1");
  if (settings.batch_size < 2)
    throw Error("location search: batch_size must be at least 2 (batch norm)");
  if (settings.candidates_per_step < 1)
    throw Error("location search: candidates_per_step must be at least 1");
  if (!(settings.initial_temperature > 0) || !(settings.final_temperature > 0))
    throw Error("location search: temperatures must be positive");
  if (!(settings.learning_rate > 0) || !(settings.beta_learning_rate > 0))
    throw Error("location search: learning rates must be positive");
  if (inputs.candidates.size() < 2)
    throw Error(fmt::format("location search: needs at least 2 candidates, got {}",
                            inputs.candidates.size()));
  if (!inputs.weight_part || !inputs.beta_part || inputs.weight_part->size() < 2 ||
      inputs.beta_part->size() < 2)
    throw Error("location search: the weight and beta parts need at least 2 images each");
}

// One step's Gumbel draw: the sampled candidate, the run set (sampled first)
// and the noise added to beta.
struct GumbelDraw {
  int sampled = 0;
  std::vector<int> run;
  torch::Tensor noise;
};

GumbelDraw draw(std::mt19937_64& random, const torch::Tensor& beta, int per_step) {
  const int count = static_cast<int>(beta.size(0));
  GumbelDraw result;
  std::vector<double> noise(static_cast<size_t>(count));
  for (auto& value : noise) {
    // u uniform in (0, 1), from 53 random bits, away from 0 so log(u) is finite.
    const double u = (static_cast<double>(random() >> 11) + 0.5) * 0x1.0p-53;
    value = -std::log(-std::log(u));
  }
  result.noise = torch::tensor(noise, torch::kFloat64).to(beta.dtype());
  {
    torch::NoGradGuard no_grad;
    result.sampled = static_cast<int>((beta + result.noise).argmax().item<int64_t>());
  }
  std::vector<int> others;
  for (int c = 0; c < count; ++c)
    if (c != result.sampled) others.push_back(c);
  // Fisher-Yates from the same generator: the run set is a function of the seed alone.
  for (size_t i = others.size(); i > 1; --i) std::swap(others[i - 1], others[random() % i]);
  result.run.push_back(result.sampled);
  for (int i = 0; i < per_step - 1 && i < static_cast<int>(others.size()); ++i)
    result.run.push_back(others[static_cast<size_t>(i)]);
  return result;
}

// sum over the run set of y_c * candidate_c(images), y the straight-through
// hard one-hot of softmax((beta + noise) / temperature).
torch::Tensor mixture(std::vector<torch::nn::AnyModule>& candidates, const torch::Tensor& beta,
                      const GumbelDraw& sample, double temperature, const torch::Tensor& images) {
  auto soft = torch::softmax((beta + sample.noise) / temperature, 0);
  auto hard = torch::zeros_like(soft);
  hard[sample.sampled] = 1.0;
  auto weights = hard - soft.detach() + soft;
  torch::Tensor output;
  for (int c : sample.run) {
    auto term = weights[c] * candidates[static_cast<size_t>(c)].forward(images);
    output = output.defined() ? output + term : term;
  }
  return output;
}

double candidate_accuracy(torch::nn::AnyModule& candidate,
                          std::shared_ptr<const data::ImageDataset> dataset,
                          const data::Normalization& normalization) {
  auto loader = make_evaluation_loader(std::move(dataset), normalization);
  candidate.ptr()->eval();
  torch::NoGradGuard no_grad;
  int64_t correct = 0, total = 0;
  loader->start_epoch(0);
  while (auto batch = loader->next()) {
    correct += candidate.forward(batch->images).argmax(1).eq(batch->labels).sum().item<int64_t>();
    total += batch->labels.size(0);
  }
  candidate.ptr()->train();
  return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
}

json report_to_json(const LocationEpochReport& report) {
  return {{"epoch", report.epoch},
          {"temperature", report.temperature},
          {"train_loss", report.train_loss},
          {"train_accuracy", report.train_accuracy},
          {"val_accuracy", report.val_accuracy},
          {"probabilities", report.probabilities},
          {"chosen", report.chosen},
          {"seconds", report.seconds}};
}

LocationEpochReport report_from_json(const json& value, int epochs) {
  LocationEpochReport report;
  report.epoch = value.at("epoch").get<int>();
  report.epochs = epochs;
  report.temperature = value.at("temperature").get<double>();
  report.train_loss = value.at("train_loss").get<double>();
  report.train_accuracy = value.at("train_accuracy").get<double>();
  report.val_accuracy = value.at("val_accuracy").get<double>();
  report.probabilities = value.at("probabilities").get<std::vector<double>>();
  report.chosen = value.at("chosen").get<int>();
  report.seconds = value.at("seconds").get<double>();
  report.resumed = true;
  return report;
}

std::vector<torch::Tensor> candidate_weights(std::vector<torch::nn::AnyModule>& candidates) {
  std::vector<torch::Tensor> weights;
  for (auto& candidate : candidates)
    for (auto& parameter : candidate.ptr()->parameters()) weights.push_back(parameter);
  return weights;
}

}  // namespace

double location_search_temperature(const LocationSearchSettings& settings, int epoch) {
  if (settings.epochs <= 1) return settings.initial_temperature;
  const double t = static_cast<double>(epoch) / static_cast<double>(settings.epochs - 1);
  return settings.initial_temperature +
         (settings.final_temperature - settings.initial_temperature) * t;
}

LocationSearchResult run_location_search(
    const LocationSearchSettings& settings, LocationSearchInputs inputs,
    const std::function<void(const LocationEpochReport&)>& on_epoch) {
  check_settings(settings, inputs);
  auto& candidates = inputs.candidates;
  const auto count = static_cast<int64_t>(candidates.size());
  auto beta = torch::zeros({count}, torch::kFloat32).set_requires_grad(true);
  auto weights = candidate_weights(candidates);
  torch::optim::SGD weight_optimizer(weights, torch::optim::SGDOptions(settings.learning_rate)
                                                  .momentum(settings.momentum)
                                                  .weight_decay(settings.weight_decay));
  torch::optim::Adam beta_optimizer(std::vector<torch::Tensor>{beta},
                                    torch::optim::AdamOptions(settings.beta_learning_rate)
                                        .betas({settings.beta_beta1, settings.beta_beta2}));
  const json fingerprint = settings_fingerprint(settings, inputs);

  LocationSearchResult result;
  if (!settings.checkpoint.empty() && std::filesystem::exists(settings.checkpoint)) {
    load_checkpoint_archive(settings.checkpoint, kCheckpointFormat, fingerprint, settings.epochs,
                            [&](torch::serialize::InputArchive& archive, const json& state) {
                              for (const auto& value : state.at("history"))
                                result.history.push_back(report_from_json(value, settings.epochs));
                              torch::Tensor stored_beta;
                              archive.read("beta", stored_beta);
                              if (stored_beta.sizes() != beta.sizes())
                                throw Error("beta has the wrong size");
                              {
                                torch::NoGradGuard no_grad;
                                beta.copy_(stored_beta);
                              }
                              for (size_t c = 0; c < candidates.size(); ++c) {
                                torch::serialize::InputArchive candidate_archive;
                                archive.read(fmt::format("candidate_{}", c), candidate_archive);
                                candidates[c].ptr()->load(candidate_archive);
                              }
                              torch::serialize::InputArchive weight_archive, beta_archive;
                              archive.read("weight_optimizer", weight_archive);
                              archive.read("beta_optimizer", beta_archive);
                              weight_optimizer.load(weight_archive);
                              beta_optimizer.load(beta_archive);
                            });
    result.epochs_resumed = static_cast<int>(result.history.size());
  }
  for (const auto& report : result.history)
    if (on_epoch) on_epoch(report);

  auto weight_loader =
      make_search_loader(inputs.weight_part, settings.batch_size, settings.seed * 2 + 1,
                         inputs.normalization, inputs.augmentation);
  auto beta_loader =
      make_search_loader(inputs.beta_part, settings.batch_size, settings.seed * 2 + 2,
                         inputs.normalization, inputs.augmentation);

  for (auto& candidate : candidates) candidate.ptr()->train();
  for (int epoch = static_cast<int>(result.history.size()); epoch < settings.epochs; ++epoch) {
    const auto start = Clock::now();
    const double temperature = location_search_temperature(settings, epoch);
    std::mt19937_64 random(settings.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(epoch));
    weight_loader->start_epoch(static_cast<uint64_t>(epoch));
    beta_loader->start_epoch(static_cast<uint64_t>(epoch));
    double loss_sum = 0;
    int64_t batches = 0, correct = 0, seen = 0;
    while (true) {
      auto weight_batch = weight_loader->next();
      auto beta_batch = beta_loader->next();
      if (!weight_batch || !beta_batch) break;
      const auto sample = draw(random, beta, settings.candidates_per_step);

      auto beta_loss = torch::nn::functional::cross_entropy(
          mixture(candidates, beta, sample, temperature, beta_batch->images), beta_batch->labels);
      auto beta_gradient = torch::autograd::grad({beta_loss}, {beta});
      beta.mutable_grad() = beta_gradient[0];
      beta_optimizer.step();

      // Set to none, not zero: the candidates outside the run set get no
      // step (neither momentum nor weight decay), so a step depends on the
      // checkpointed state alone.
      for (auto& candidate : candidates) candidate.ptr()->zero_grad(/*set_to_none=*/true);
      auto logits = mixture(candidates, beta.detach(), sample, temperature, weight_batch->images);
      auto loss = torch::nn::functional::cross_entropy(logits, weight_batch->labels);
      const double loss_value = loss.item<double>();
      if (!std::isfinite(loss_value))
        throw Error(fmt::format("location search: non-finite loss ({}) at epoch {}, batch {}",
                                loss_value, epoch + 1, batches + 1));
      loss.backward({}, c10::nullopt, false, c10::optional<at::TensorList>(weights));
      if (settings.gradient_clip > 0)
        torch::nn::utils::clip_grad_norm_(weights, settings.gradient_clip);
      weight_optimizer.step();
      loss_sum += loss_value;
      ++batches;
      correct += logits.argmax(1).eq(weight_batch->labels).sum().item<int64_t>();
      seen += weight_batch->labels.size(0);
    }
    LocationEpochReport report;
    report.epoch = epoch + 1;
    report.epochs = settings.epochs;
    report.temperature = temperature;
    report.train_loss = batches > 0 ? loss_sum / static_cast<double>(batches) : std::nan("");
    report.train_accuracy =
        seen > 0 ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
    {
      torch::NoGradGuard no_grad;
      auto probabilities = torch::softmax(beta, 0).to(torch::kFloat64).contiguous();
      report.probabilities.assign(probabilities.data_ptr<double>(),
                                  probabilities.data_ptr<double>() + count);
      report.chosen = static_cast<int>(beta.argmax().item<int64_t>());
    }
    report.val_accuracy = candidate_accuracy(candidates[static_cast<size_t>(report.chosen)],
                                             inputs.beta_part, inputs.normalization);
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.history.push_back(report);
    if (!settings.checkpoint.empty()) {
      json state{
          {"format", kCheckpointFormat}, {"settings", fingerprint}, {"history", json::array()}};
      for (const auto& entry : result.history) state["history"].push_back(report_to_json(entry));
      torch::serialize::OutputArchive archive;
      archive.write("state", bytes_to_tensor(state.dump()));
      archive.write("beta", beta.detach());
      for (size_t c = 0; c < candidates.size(); ++c) {
        torch::serialize::OutputArchive candidate_archive;
        candidates[c].ptr()->save(candidate_archive);
        archive.write(fmt::format("candidate_{}", c), candidate_archive);
      }
      torch::serialize::OutputArchive weight_archive, beta_archive;
      weight_optimizer.save(weight_archive);
      beta_optimizer.save(beta_archive);
      archive.write("weight_optimizer", weight_archive);
      archive.write("beta_optimizer", beta_archive);
      save_archive_atomically(archive, settings.checkpoint);
    }
    if (on_epoch) on_epoch(report);
  }
  torch::NoGradGuard no_grad;
  result.chosen = static_cast<int>(beta.argmax().item<int64_t>());
  auto stored = beta.detach().to(torch::kFloat64).contiguous();
  result.beta.assign(stored.data_ptr<double>(), stored.data_ptr<double>() + count);
  return result;
}

}  // namespace pinas::train::supernet
