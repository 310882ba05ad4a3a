#include "train/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "proto/error.h"
#include "train/architecture_fitting.h"
#include "train/checkpoint.h"
#include "train/data/batch_loader.h"
#include "train/detail/thread_settings.h"
#include "train/evaluation.h"
#include "train/learning_rate_schedule.h"
#include "train/network.h"
#include "train/progress_reporter.h"
#include "train/training_data.h"

namespace pinas::train {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

torch::Device job_device(const TrainingJob& job) {
  if (job.device >= 0 && torch::cuda::is_available() &&
      job.device < static_cast<int>(torch::cuda::device_count())) {
    return {torch::kCUDA, static_cast<c10::DeviceIndex>(job.device)};
  }
  return torch::kCPU;
}

// The ReLUs one inference executes, counted by the RELU layers themselves.
int64_t count_executed_relus(NetworkImpl& network, torch::Device device) {
  const auto& input = network.architecture().node(network.architecture().input_node()).input_shape;
  torch::NoGradGuard no_grad;
  const bool was_training = network.is_training();
  network.eval();
  network.forward(torch::zeros({1, input.channels, input.height, input.width}, device));
  network.train(was_training);
  return network.last_relus_per_example();
}

// Cross-entropy with label smoothing, blended with the distillation loss when
// there is a teacher.
torch::Tensor training_loss(const Hyperparameters& hyper, Network* teacher, const torch::Tensor& logits,
                            const torch::Tensor& images, const torch::Tensor& labels) {
  namespace F = torch::nn::functional;
  auto loss = F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().label_smoothing(hyper.label_smoothing));
  if (!teacher) return loss;
  torch::Tensor teacher_logits;
  {
    torch::NoGradGuard no_grad;
    teacher_logits = (*teacher)->forward(images);
  }
  const double temperature = hyper.distillation_temperature;
  auto distillation = F::kl_div(F::log_softmax(logits / temperature, F::LogSoftmaxFuncOptions(1)),
                                F::softmax(teacher_logits / temperature, F::SoftmaxFuncOptions(1)),
                                F::KLDivFuncOptions().reduction(torch::kBatchMean)) *
                      (temperature * temperature);
  return (1.0 - hyper.distillation_weight) * loss + hyper.distillation_weight * distillation;
}

void set_learning_rate(torch::optim::SGD& optimizer, double rate) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(rate);
}

}  // namespace

TrainingResult run_training(const TrainingJob& job, const EpochCallback& callback) {
  const auto job_start = Clock::now();
  if (job.threads > 0) detail::use_intra_op_threads(job.threads);
  const auto& hyper = job.hyperparameters;
  if (job.epochs < 1) throw Error("training: epochs must be at least 1, is " + std::to_string(job.epochs));
  if (hyper.batch_size < 1) throw Error("training: batch size must be at least 1");

  TrainingDataRequest request;
  request.spec = job.data_spec;
  request.validation_fraction = job.validation_fraction;
  request.train_subset = job.train_subset;
  request.test_subset = job.test_subset;
  auto data = load_training_data(request);
  // A genotype-built architecture is rebuilt for the dataset's shape; any
  // other mismatch is refused.
  const auto architecture = fit_architecture(spaces::Architecture::from_proto(job.architecture), data->info);
  const pb::Architecture architecture_proto = architecture.to_proto();

  const torch::Device device = job_device(job);
  Network network(architecture, job.seed);
  network->to(device);
  torch::optim::SGD optimizer(network->parameters(), torch::optim::SGDOptions(hyper.learning_rate)
                                                         .momentum(hyper.momentum)
                                                         .nesterov(hyper.nesterov && hyper.momentum > 0)
                                                         .weight_decay(hyper.weight_decay));
  std::optional<Network> teacher;
  std::filesystem::path checkpoint_path;
  CheckpointInfo info;
  TrainingResult result;
  result.name = job.name.empty() ? architecture.name() : job.name;
  result.relus = count_executed_relus(*network, device);
  result.parameters = network->weight_count();

  if (!job.teacher_checkpoint.empty()) {
    teacher = Checkpoint::load_network(job.teacher_checkpoint);
    (*teacher)->to(device);
    (*teacher)->eval();
    check_architecture_fits((*teacher)->architecture(), data->info);
  }

  info.architecture = architecture_proto;
  info.seed = job.seed;
  info.dataset = data->info.name;
  info.class_names = data->info.class_names;
  info.normalization_mean = data->normalization.mean;
  info.normalization_std = data->normalization.std;
  info.batch_norm_epsilon = network->batch_norm_epsilon();
  if (!job.output_dir.empty()) checkpoint_path = job.output_dir / Checkpoint::kFileName;
  if (job.resume && !checkpoint_path.empty() && std::filesystem::exists(checkpoint_path)) {
    CheckpointInfo saved = Checkpoint::load(checkpoint_path, *network, &optimizer);
    if (saved.architecture.SerializeAsString() != architecture_proto.SerializeAsString()) {
      throw CheckpointError("checkpoint " + checkpoint_path.string() +
                            ": holds another architecture than the one to resume ('" +
                            saved.architecture.name() + "')");
    }
    info.epochs_completed = saved.epochs_completed;
    info.optimizer_steps = saved.optimizer_steps;
    info.history = saved.history;
    if (saved.generator_state.defined()) {
      auto generator = at::detail::getDefaultCPUGenerator();
      generator.set_state(saved.generator_state);
    }
    result.history = saved.history;
    result.checkpoint = checkpoint_path;
  } else if (!job.resume && !job.output_dir.empty()) {
    std::filesystem::remove(job.output_dir / "log.jsonl");
  }

  data::BatchLoaderOptions loader_options;
  loader_options.batch_size = hyper.batch_size;
  loader_options.shuffle = true;
  // A last batch of one image would break batch norm on 1x1 maps.
  loader_options.drop_last = static_cast<int64_t>(data->train->size()) > hyper.batch_size;
  loader_options.seed = job.seed;
  loader_options.threads = 1;
  loader_options.normalization = data->normalization;
  if (hyper.augment) loader_options.augmentation = data->augmentation;
  data::BatchLoader loader(data->train, loader_options);
  const int64_t batches_per_epoch = loader.batches_per_epoch();
  const auto warmup_steps = std::min<int64_t>(
      static_cast<int64_t>(std::llround(hyper.warmup_epochs * static_cast<double>(batches_per_epoch))),
      batches_per_epoch * job.epochs);
  const LearningRateSchedule schedule(hyper.learning_rate, hyper.final_learning_rate, warmup_steps,
                                      batches_per_epoch * job.epochs);

  ProgressReporter reporter(result.name, job.epochs, job.progress,
                            job.output_dir.empty() ? std::filesystem::path() : job.output_dir / "log.jsonl");
  if (info.epochs_completed > 0) {
    reporter.message(fmt::format("resuming after epoch {} from {}", info.epochs_completed, checkpoint_path.string()));
  }
  result.status = TrainingStatus::Completed;
  double training_seconds = 0.0;
  int64_t images_trained = 0;
  network->train();
  for (int epoch = info.epochs_completed; epoch < job.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    loader.start_epoch(static_cast<uint64_t>(epoch));
    reporter.begin_epoch(epoch + 1, batches_per_epoch);
    double loss_sum = 0.0;
    int64_t batches = 0, correct = 0, seen = 0;
    while (auto batch = loader.next()) {
      set_learning_rate(optimizer, schedule.at(info.optimizer_steps));
      auto images = batch->images.to(device);
      auto labels = batch->labels.to(device);
      optimizer.zero_grad();
      auto logits = network->forward(images);
      auto loss = training_loss(hyper, teacher ? &*teacher : nullptr, logits, images, labels);
      const double loss_value = loss.item<double>();
      if (!std::isfinite(loss_value)) {
        result.status = TrainingStatus::Failed;
        result.failure_reason = fmt::format("non-finite loss ({}) at epoch {}, batch {}", loss_value, epoch + 1,
                                            batches + 1);
        break;
      }
      loss.backward();
      if (hyper.gradient_clip_norm > 0) {
        torch::nn::utils::clip_grad_norm_(network->parameters(), hyper.gradient_clip_norm);
      }
      optimizer.step();
      ++info.optimizer_steps;
      loss_sum += loss_value;
      ++batches;
      correct += logits.argmax(1).eq(labels).sum().item<int64_t>();
      seen += labels.size(0);
      reporter.batch_done(batches, loss_sum / static_cast<double>(batches));
    }
    if (result.status == TrainingStatus::Failed) {
      reporter.message("stopped: " + result.failure_reason);
      break;
    }
    const double epoch_training_seconds = seconds_since(epoch_start);
    training_seconds += epoch_training_seconds;
    images_trained += seen;
    EpochMetrics metrics;
    metrics.epoch = epoch + 1;
    metrics.train_loss = batches > 0 ? loss_sum / static_cast<double>(batches) : std::nan("");
    metrics.train_accuracy = seen > 0 ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
    metrics.val_accuracy = data->validation && data->validation->size() > 0
                               ? evaluate_accuracy(*network, *data->validation, data->normalization)
                               : std::nan("");
    metrics.learning_rate = schedule.at(std::max<int64_t>(info.optimizer_steps - 1, 0));
    metrics.images_per_s = epoch_training_seconds > 0 ? static_cast<double>(seen) / epoch_training_seconds : 0.0;
    metrics.seconds = seconds_since(epoch_start);
    info.epochs_completed = epoch + 1;
    info.history.push_back(metrics);
    result.history.push_back(metrics);
    // The checkpoint first: once the log shows an epoch, it can be resumed from.
    if (!checkpoint_path.empty()) {
      info.generator_state = at::detail::getDefaultCPUGenerator().get_state();
      Checkpoint::save(checkpoint_path, *network, &optimizer, info);
      result.checkpoint = checkpoint_path;
    }
    reporter.end_epoch(metrics);
    if (callback && callback(job, metrics) == EpochDecision::Stop) {
      if (epoch + 1 < job.epochs) result.status = TrainingStatus::StoppedEarly;
      break;
    }
  }

  result.epochs_completed = info.epochs_completed;
  if (!result.history.empty()) {
    result.val_accuracy = result.history.back().val_accuracy;
    result.final_train_loss = result.history.back().train_loss;
  }
  result.images_per_s = training_seconds > 0 ? static_cast<double>(images_trained) / training_seconds
                        : result.history.empty() ? 0.0
                                                 : result.history.back().images_per_s;
  result.test_accuracy = std::nan("");
  if (result.status != TrainingStatus::Failed && job.evaluate_test && data->test->size() > 0) {
    result.test_accuracy = evaluate_accuracy(*network, *data->test, data->normalization);
    reporter.message(fmt::format("test accuracy {:.2f}%", 100.0 * result.test_accuracy));
    if (!checkpoint_path.empty()) {
      info.test_accuracy = result.test_accuracy;
      Checkpoint::save(checkpoint_path, *network, &optimizer, info);
    }
  }
  result.wall_seconds = seconds_since(job_start);
  return result;
}

}  // namespace pinas::train
