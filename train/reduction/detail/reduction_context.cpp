#include "train/reduction/detail/reduction_context.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>

#include "proto/error.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/model_file.h"
#include "train/architecture_fitting.h"
#include "train/detail/thread_settings.h"
#include "train/evaluation.h"
#include "train/model_export.h"

namespace pinas::train::detail {
namespace {

using Clock = std::chrono::steady_clock;

torch::Device job_device(int device) {
  if (device >= 0 && torch::cuda::is_available() && device < static_cast<int>(torch::cuda::device_count())) {
    return {torch::kCUDA, static_cast<c10::DeviceIndex>(device)};
  }
  if (device >= 0) throw Error(fmt::format("reduce: CUDA device {} is not available", device));
  return torch::kCPU;
}

}  // namespace

double cosine_rate(double start, double end, int64_t step, int64_t total) {
  if (total <= 0 || step >= total) return end;
  const double progress = static_cast<double>(step) / static_cast<double>(total);
  return end + 0.5 * (start - end) * (1.0 + std::cos(M_PI * progress));
}

ReductionContext::ReductionContext(const ReductionJob& job) : job_(job), device_(job_device(job.device)) {
  if (job.threads > 0) use_intra_op_threads(job.threads);
  model_ = spaces::read_model_file(job.model);
  const pb::Model teacher_model = job.teacher.empty() ? model_ : spaces::read_model_file(job.teacher);
  teacher_ = import_model(teacher_model);
  (*teacher_)->to(device_);
  (*teacher_)->eval();

  TrainingDataRequest request;
  request.spec = job.data_spec;
  request.validation_fraction = job.validation_fraction;
  request.train_subset = job.train_subset;
  request.test_subset = job.test_subset;
  // split_seed stays 0, as the trainer's: the reduction and the DeepReDuce
  // trainings then share one split and one cached copy of the data.
  data_ = load_training_data(request);
  check_architecture_fits(spaces::Architecture::from_proto(model_.architecture()), data_->info);
  // Train and measure with the normalization the model was trained with.
  const auto& stored = model_.input_normalization();
  if (stored.mean_size() > 0) {
    normalization_.mean.assign(stored.mean().begin(), stored.mean().end());
    normalization_.std.assign(stored.std().begin(), stored.std().end());
  } else {
    normalization_ = data_->normalization;
  }
  data::BatchLoaderOptions options;
  options.batch_size = job.batch_size;
  options.shuffle = true;
  options.drop_last = static_cast<int64_t>(data_->train->size()) > job.batch_size;
  options.seed = job.seed;
  options.threads = 1;
  options.normalization = normalization_;
  options.augmentation = data_->augmentation;
  loader_ = std::make_unique<data::BatchLoader>(data_->train, options);
}

Network ReductionContext::student() const {
  Network network = import_model(model_);
  network->to(device_);
  network->train();
  return network;
}

CheckpointInfo ReductionContext::checkpoint_info(const NetworkImpl& network) const {
  CheckpointInfo info;
  info.architecture = network.current_architecture().to_proto();
  info.seed = job_.seed;
  info.dataset = model_.dataset();
  info.class_names.assign(model_.class_names().begin(), model_.class_names().end());
  info.normalization_mean = normalization_.mean;
  info.normalization_std = normalization_.std;
  info.batch_norm_epsilon = network.batch_norm_epsilon();
  return info;
}

torch::Tensor ReductionContext::distillation_loss(const torch::Tensor& logits, const torch::Tensor& teacher_logits,
                                                  const torch::Tensor& labels, double kd_weight) const {
  namespace F = torch::nn::functional;
  const double temperature = job_.kd_temperature;
  auto loss = F::cross_entropy(logits, labels);
  if (kd_weight == 0.0) return loss;
  auto distillation = F::kl_div(F::log_softmax(logits / temperature, F::LogSoftmaxFuncOptions(1)),
                                F::softmax(teacher_logits / temperature, F::SoftmaxFuncOptions(1)),
                                F::KLDivFuncOptions().reduction(torch::kBatchMean)) *
                      (temperature * temperature);
  return loss + kd_weight * distillation;
}

int64_t ReductionContext::batches_per_epoch() const { return loader_->batches_per_epoch(); }

ReductionEpoch ReductionContext::train_epoch(NetworkImpl& network, torch::optim::Optimizer& optimizer, int epoch,
                                             int64_t& step, double kd_weight, const std::vector<double>& base_rates,
                                             const std::function<double(int64_t)>& schedule,
                                             const std::function<torch::Tensor()>& penalty,
                                             const std::function<bool(int64_t)>& after_step) {
  auto& groups = optimizer.param_groups();
  if (groups.size() != base_rates.size()) throw Error("reduce: one base learning rate per parameter group");
  const auto start = Clock::now();
  network.train();
  loader_->start_epoch(static_cast<uint64_t>(epoch));
  double loss_sum = 0.0;
  int64_t batches = 0, correct = 0, seen = 0;
  while (auto batch = loader_->next()) {
    const double factor = schedule ? schedule(step) : 1.0;
    for (size_t g = 0; g < groups.size(); ++g) groups[g].options().set_lr(base_rates[g] * factor);
    auto images = batch->images.to(device_);
    auto labels = batch->labels.to(device_);
    torch::Tensor teacher_logits;
    if (kd_weight != 0.0) {
      torch::NoGradGuard no_grad;
      teacher_logits = (*teacher_)->forward(images);
    }
    optimizer.zero_grad();
    auto logits = network.forward(images);
    auto loss = distillation_loss(logits, teacher_logits, labels, kd_weight);
    if (penalty) loss = loss + penalty();
    const double value = loss.item<double>();
    if (!std::isfinite(value)) {
      throw Error(fmt::format("reduce: non-finite loss ({}) at epoch {}, batch {}", value, epoch + 1, batches + 1));
    }
    loss.backward();
    optimizer.step();
    const bool stop = after_step && after_step(step);
    ++step;
    loss_sum += value;
    ++batches;
    correct += logits.argmax(1).eq(labels).sum().item<int64_t>();
    seen += labels.size(0);
    if (stop) break;
  }
  ReductionEpoch result;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.loss = batches > 0 ? loss_sum / static_cast<double>(batches) : std::nan("");
  result.accuracy = seen > 0 ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
  result.images_per_s = result.seconds > 0 ? static_cast<double>(seen) / result.seconds : 0.0;
  return result;
}

double ReductionContext::validation_accuracy(NetworkImpl& network) const {
  if (!data_->validation || data_->validation->size() == 0) return std::nan("");
  return evaluate_accuracy(network, *data_->validation, normalization_);
}

double ReductionContext::test_accuracy(NetworkImpl& network) const {
  return evaluate_accuracy(network, *data_->test, normalization_);
}

std::pair<int64_t, int64_t> ReductionContext::export_network(NetworkImpl& network, const std::filesystem::path& path,
                                                             double test_accuracy,
                                                             const std::map<std::string, std::string>& metadata) const {
  CheckpointInfo info = checkpoint_info(network);
  info.test_accuracy = test_accuracy;
  pb::Model exported = export_model(network, info);
  auto& fields = *exported.mutable_metadata();
  fields["trainer"] = "pinas reduce";
  for (const auto& [key, value] : metadata) fields[key] = value;
  std::filesystem::create_directories(path.parent_path());
  spaces::write_model_file(path, exported);
  // The count of the file itself, read back, is what is reported.
  const pb::Model written = spaces::read_model_file(path);
  const auto report = spaces::analyze(spaces::Architecture::from_proto(written.architecture()));
  return {report.relus, report.polynomial_elements};
}

void ReductionContext::log(const std::string& line) const {
  if (job_.progress) std::cerr << line << std::endl;
  if (!job_.output_dir.empty()) {
    std::filesystem::create_directories(job_.output_dir);
    std::ofstream(job_.output_dir / "reduce.log", std::ios::app) << line << "\n";
  }
}

}  // namespace pinas::train::detail
