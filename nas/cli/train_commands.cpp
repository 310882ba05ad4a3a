// `pinas train`, `pinas export`, `pinas eval` and the trainer benchmarks
// `pinas bench train-throughput` and `pinas bench parallel-training`.
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <algorithm>
#include <thread>

#include "crypto/pi/fixed_point_network.h"
#include "nas/cli/command_registry.h"
#include "nas/cli/fixed_point_options.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/model_file.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"
#include "train/architecture_fitting.h"
#include "train/detail/metrics_json.h"
#include "train/detail/thread_settings.h"
#include "train/evaluation.h"
#include "train/model_export.h"
#include "train/parallel_trainer.h"
#include "train/trainer.h"
#include "train/training_data.h"

namespace pinas::cli {
namespace {

using nlohmann::json;
using train::detail::finite_or_null;

struct TrainOptions {
  std::string architecture;
  std::string data = "fashion-mnist";
  int epochs = 1;
  int64_t batch = 128;
  double learning_rate = 0.05;
  double momentum = 0.9;
  double weight_decay = 5e-4;
  double warmup = 0.0;
  double label_smoothing = 0.0;
  double clip = 5.0;
  double validation_fraction = 0.1;
  double distillation_weight = 0.9;
  double distillation_temperature = 4.0;
  std::string teacher;
  std::string out;
  uint64_t seed = 1;
  int64_t subset = 0;
  int64_t test_subset = 0;
  int threads = 0;
  bool resume = false;
  bool no_augment = false;
  bool json = false;
  bool quiet = false;
};

// `threads`, or every core of the machine for 0.
int every_core_unless(int threads) {
  return threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

train::TrainingDataRequest data_request(const std::string& spec, double validation_fraction,
                                        int64_t subset, int64_t test_subset) {
  train::TrainingDataRequest request;
  request.spec = spec;
  request.validation_fraction = validation_fraction;
  request.train_subset = subset;
  request.test_subset = test_subset;
  return request;
}

void run_train(const TrainOptions& options) {
  auto data = train::load_training_data(
      data_request(options.data, options.validation_fraction, options.subset, options.test_subset));
  const auto architecture =
      train::fit_architecture(spaces::load_architecture(options.architecture), data->info);
  train::TrainingJob job;
  job.name = architecture.name();
  job.architecture = architecture.to_proto();
  job.data_spec = options.data;
  job.train_subset = options.subset;
  job.test_subset = options.test_subset;
  job.validation_fraction = options.validation_fraction;
  job.epochs = options.epochs;
  job.seed = options.seed;
  job.output_dir = options.out.empty() ? std::filesystem::path("runs") / architecture.name()
                                       : std::filesystem::path(options.out);
  job.resume = options.resume;
  job.teacher_checkpoint = options.teacher;
  // 0 means every core: LibTorch's OpenMP default is one thread here
  // (omp_get_max_threads() is 1 on Debian's build even with 2 cores).
  job.threads = every_core_unless(options.threads);
  job.device = torch::cuda::is_available() ? 0 : -1;
  job.progress = !options.quiet;
  auto& hyper = job.hyperparameters;
  hyper.batch_size = options.batch;
  hyper.learning_rate = options.learning_rate;
  hyper.momentum = options.momentum;
  hyper.weight_decay = options.weight_decay;
  hyper.warmup_epochs = options.warmup;
  hyper.label_smoothing = options.label_smoothing;
  hyper.gradient_clip_norm = options.clip;
  hyper.distillation_weight = options.distillation_weight;
  hyper.distillation_temperature = options.distillation_temperature;
  hyper.augment = !options.no_augment;
  const auto result = train::run_training(job);
  if (options.json) {
    json output = train::detail::result_to_json(result);
    output["architecture"] = architecture.name();
    output["dataset"] = data->info.name;
    output["output_dir"] = job.output_dir.string();
    std::cout << output.dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "{}: {} after {} epochs, test accuracy {}, val accuracy {}, {} ReLUs, {:.0f} images/s, "
        "{:.1f} s; checkpoint in {}\n",
        result.name, train::to_string(result.status), result.epochs_completed,
        std::isfinite(result.test_accuracy) ? fmt::format("{:.2f}%", 100 * result.test_accuracy)
                                            : "n/a",
        std::isfinite(result.val_accuracy) ? fmt::format("{:.2f}%", 100 * result.val_accuracy)
                                           : "n/a",
        result.relus, result.images_per_s, result.wall_seconds, job.output_dir.string());
  }
  if (result.status == train::TrainingStatus::Failed)
    throw Error("training failed: " + result.failure_reason);
}

void register_train(CLI::App& app) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* command =
      app.add_subcommand("train", "Train an architecture on a dataset, then test it");
  command
      ->add_option(
          "architecture", options->architecture,
          "Preset name, genotype key (as pinas top prints it) or architecture/genotype/model file")
      ->required();
  command
      ->add_option("--data", options->data,
                   "fashion-mnist | cifar10:DIR | cifar100:DIR | folder:DIR")
      ->capture_default_str();
  command->add_option("--epochs", options->epochs, "Epochs")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--batch", options->batch, "Batch size")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--lr", options->learning_rate, "Peak learning rate (cosine schedule)")
      ->capture_default_str();
  command->add_option("--momentum", options->momentum, "SGD momentum (Nesterov)")
      ->capture_default_str();
  command->add_option("--weight-decay", options->weight_decay, "Weight decay")
      ->capture_default_str();
  command->add_option("--warmup", options->warmup, "Linear warmup epochs")->capture_default_str();
  command->add_option("--label-smoothing", options->label_smoothing, "Label smoothing")
      ->capture_default_str();
  command->add_option("--clip", options->clip, "Gradient-norm clipping (0: off)")
      ->capture_default_str();
  command
      ->add_option("--val-fraction", options->validation_fraction,
                   "Validation fraction of the training set")
      ->capture_default_str();
  command->add_option("--teacher", options->teacher,
                      "Checkpoint (or training folder) to distil from");
  command->add_option("--kd-weight", options->distillation_weight, "Distillation weight")
      ->capture_default_str();
  command
      ->add_option("--kd-temperature", options->distillation_temperature,
                   "Distillation temperature")
      ->capture_default_str();
  command->add_option("--out", options->out, "Output folder (default runs/<architecture>)");
  command->add_option("--seed", options->seed, "Seed")->capture_default_str();
  command->add_option("--subset", options->subset, "Train on a seeded, class-stratified sample of N training images");
  command->add_option("--test-subset", options->test_subset,
                      "Test on a seeded, class-stratified sample of N test images");
  command->add_option("--threads", options->threads, "Intra-op threads (default: every core)")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--resume", options->resume, "Continue from the output folder's checkpoint");
  command->add_flag("--no-augment", options->no_augment, "Turn off training augmentation");
  command->add_flag("--quiet", options->quiet, "No progress output");
  command->add_flag("--json", options->json, "Print the result as JSON");
  command->callback([options] { run_train(*options); });
}

void register_export(CLI::App& app) {
  auto directory = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* command =
      app.add_subcommand("export", "Write a training folder's model file (IR + weights)");
  command->add_option("dir", *directory, "Training output folder (or checkpoint file)")->required();
  command->add_option("--out", *out, "Model file to write")->required();
  command->callback([directory, out] {
    const auto model = train::export_checkpoint(train::Checkpoint::resolve(*directory), *out);
    std::cout << fmt::format("wrote {} ({}, {} nodes with parameters)\n", *out,
                             model.architecture().name(), model.parameters_size());
  });
}

struct EvalOptions {
  std::string model;
  std::string data;
  int64_t test_subset = 0;
  int64_t batch = 256;
  bool json = false;
  // The fixed-point path: exactly what private inference computes.
  bool fixed_point = false;
  FixedPointOptions fixed;  // ℓ, f, and Circa's k (simulated)
  std::uint64_t seed = 1;
  unsigned threads = 0;  // fixed-point evaluation threads; 0: one per core
};

// The test accuracy of the plaintext fixed-point reference, which computes
// bit for bit what `pinas serve` / `pinas infer` compute (with Circa, its
// randomized sign test is simulated exactly from `options.seed`).
FixedPointAccuracy fixed_point_accuracy(const pb::Model& model,
                                        const train::data::ImageDataset& test,
                                        const EvalOptions& options, std::string& config_text) {
  const pi::FixedPointConfig config = options.fixed.config();
  const pi::FixedPointNetwork network = pi::FixedPointNetwork::compile(model, config);
  config_text = config.to_string();
  return measure_fixed_point_accuracy(
      network, test.size(),
      [&](std::size_t i) {
        const auto image = test.image(i);
        std::vector<float> pixels(image.size());
        for (std::size_t j = 0; j < image.size(); ++j)
          pixels[j] = static_cast<float>(image[j]) / 255.0f;
        return pixels;
      },
      [&](std::size_t i) { return static_cast<std::int64_t>(test.labels[i]); }, options.seed,
      options.threads);
}

// `pinas eval`: the plaintext accuracy of a model file. Other evaluation modes
// (the fixed-point path of private inference) add options here and branch in
// run_eval.
void run_eval(const EvalOptions& options) {
  const pb::Model model = spaces::read_model_file(options.model);
  auto network = train::import_model(model);
  const std::string spec = options.data.empty() ? model.dataset() : options.data;
  if (spec.empty()) throw Error("eval: " + options.model + " names no dataset; pass --data");
  auto data = train::load_training_data(data_request(spec, 0.0, 1, options.test_subset));
  train::check_architecture_fits(network->architecture(), data->info);
  train::data::Normalization normalization;
  normalization.mean.assign(model.input_normalization().mean().begin(),
                            model.input_normalization().mean().end());
  normalization.std.assign(model.input_normalization().std().begin(),
                           model.input_normalization().std().end());
  if (normalization.mean.empty()) normalization = data->normalization;
  std::string config_text;
  FixedPointAccuracy fixed;
  if (options.fixed_point) fixed = fixed_point_accuracy(model, *data->test, options, config_text);
  const double accuracy =
      options.fixed_point
          ? fixed.accuracy()
          : train::evaluate_accuracy(*network, *data->test, normalization, options.batch);
  if (options.json) {
    json output = {
        {"model", options.model},     {"architecture", model.architecture().name()},
        {"dataset", data->info.name}, {"images", data->test->size()},
        {"test_accuracy", accuracy},  {"relus", spaces::analyze(network->architecture()).relus}};
    if (options.fixed_point) {
      output["fixed_point"] = config_text;
      output["headroom_bits"] = fixed.headroom_bits;
      output["headroom_node"] = fixed.tightest_node;
      output["headroom_scale"] = fixed.tightest_scale;
    }
    std::cout << output.dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "{}: {}test accuracy {:.2f}% on {} images of {}{}\n", options.model,
        options.fixed_point ? "fixed-point (" + config_text + ") " : std::string(), 100 * accuracy,
        data->test->size(), data->info.name,
        options.fixed_point
            ? fmt::format(" ({} bits of ring headroom, least at '{}', scale {})",
                          fixed.headroom_bits, fixed.tightest_node, fixed.tightest_scale)
            : std::string());
  }
}

void register_eval(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* command = app.add_subcommand("eval", "Measure a model file's test accuracy");
  command->add_option("model", options->model, "Model file (pinas export)")->required();
  command->add_option("--data", options->data, "Data spec (default: the model's dataset)");
  command->add_option("--test-subset", options->test_subset,
                      "Test on a seeded, class-stratified sample of N test images");
  command->add_option("--batch", options->batch, "Batch size")->capture_default_str();
  command->add_flag("--json", options->json, "Print the result as JSON");
  CLI::Option* fixed_point = command->add_flag(
      "--fixed-point", options->fixed_point,
      "Evaluate the fixed-point program private inference runs, bit for bit");
  add_fixed_point_options(command, options->fixed);
  command->add_option("--seed", options->seed, "With --circa: seed of the simulated shares");
  command->add_option("--threads", options->threads,
                      "With --fixed-point: images evaluated in parallel (default: one per core)");
  // The float evaluation has no ring, Circa or seed: these are refused
  // without --fixed-point rather than silently ignored.
  for (const char* name : {"--ring-bits", "--fractional-bits", "--scale-limit", "--weight-bits",
                           "--circa", "--linear", "--seed", "--threads"})
    command->get_option(name)->needs(fixed_point);
  command->callback([options] { run_eval(*options); });
}

// `pinas bench train-throughput`: forward+backward images/s of one
// architecture on synthetic batches (the figure experiments/throughput
// compares with PyTorch's Python API on the same network).
struct ThroughputOptions {
  std::string architecture = "cryptonas-fmnist";
  int64_t batch = 128;
  int steps = 20;
  int warmup = 3;
  int threads = 0;
  std::string dump_architecture;
  bool json = false;
};

void run_throughput(const ThroughputOptions& options) {
  const auto architecture = spaces::load_architecture(options.architecture);
  if (!options.dump_architecture.empty()) {
    std::string text;
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    print.always_print_primitive_fields = true;
    google::protobuf::util::MessageToJsonString(architecture.to_proto(), &text, print);
    std::ofstream(options.dump_architecture) << text;
  }
  train::detail::use_intra_op_threads(every_core_unless(options.threads));
  train::Network network(architecture, 1);
  network->train();
  const auto& shape = architecture.node(architecture.input_node()).input_shape;
  const auto classes = spaces::analyze(architecture).output.elements();
  auto generator = at::detail::createCPUGenerator(7);
  const auto images =
      torch::randn({options.batch, shape.channels, shape.height, shape.width}, generator);
  const auto labels = torch::randint(classes, {options.batch}, generator);
  auto step = [&] {
    network->zero_grad();
    auto loss = torch::nn::functional::cross_entropy(network->forward(images), labels);
    loss.backward();
  };
  for (int i = 0; i < options.warmup; ++i) step();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < options.steps; ++i) step();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double images_per_s = static_cast<double>(options.steps * options.batch) / seconds;
  if (options.json) {
    std::cout << json{{"architecture", architecture.name()},
                      {"batch", options.batch},
                      {"steps", options.steps},
                      {"threads", at::get_num_threads()},
                      {"seconds", seconds},
                      {"images_per_s", images_per_s}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << fmt::format(
        "{}: {:.1f} images/s forward+backward (batch {}, {} steps, {} threads)\n",
        architecture.name(), images_per_s, options.batch, options.steps, at::get_num_threads());
  }
}

// `pinas bench parallel-training`: N small CryptoNAS candidates on Fashion-MNIST
// trained one after another (each with all cores) and then at once by the
// parallel trainer; prints both throughputs and their ratio.
struct ParallelBenchOptions {
  int candidates = 4;
  int cores = 0;
  int epochs = 1;
  int64_t subset = 2048;
  int64_t channels = 8;
  uint64_t seed = 1;
  bool json = false;
};

void run_parallel_bench(const ParallelBenchOptions& options) {
  const int cores =
      options.cores > 0 ? options.cores : static_cast<int>(std::thread::hardware_concurrency());
  auto space = spaces::make_search_space("cryptonas");
  std::mt19937_64 random(options.seed);
  auto data = train::load_training_data(data_request("fashion-mnist", 0.01, options.subset, 500));
  std::vector<train::TrainingJob> jobs;
  for (int i = 0; i < options.candidates; ++i) {
    auto genotype = space->sample(random);
    genotype.mutable_cryptonas()->set_channels(options.channels);
    const auto architecture = space->build(genotype, {1, 28, 28}, 10);
    train::TrainingJob job;
    job.name = fmt::format("candidate-{}", i);
    job.architecture = architecture.to_proto();
    job.train_subset = options.subset;
    job.test_subset = 500;
    job.validation_fraction = 0.01;
    job.epochs = options.epochs;
    job.seed = options.seed + static_cast<uint64_t>(i);
    job.hyperparameters.batch_size = 64;
    jobs.push_back(job);
  }
  int64_t images = 0;
  for (const auto& job : jobs) {
    images += job.epochs *
              (static_cast<int64_t>(data->train->size()) / job.hyperparameters.batch_size) *
              job.hyperparameters.batch_size;
  }
  auto clock = [] { return std::chrono::steady_clock::now(); };
  auto sequential_start = clock();
  for (auto job : jobs) {
    job.threads = cores;
    const auto result = train::run_training(job);
    if (result.status != train::TrainingStatus::Completed)
      throw Error("benchmark: " + result.failure_reason);
  }
  const double sequential_seconds =
      std::chrono::duration<double>(clock() - sequential_start).count();
  train::ParallelTrainerOptions parallel_options;
  parallel_options.cores = cores;
  train::ParallelTrainer trainer(parallel_options);
  const auto parallel_start = clock();
  const auto results = trainer.train(jobs);
  const double parallel_seconds = std::chrono::duration<double>(clock() - parallel_start).count();
  for (const auto& result : results) {
    if (result.status != train::TrainingStatus::Completed)
      throw Error("benchmark: " + result.failure_reason);
  }
  const double sequential_rate = static_cast<double>(images) / sequential_seconds;
  const double parallel_rate = static_cast<double>(images) / parallel_seconds;
  json output = {{"candidates", options.candidates},
                 {"cores", cores},
                 {"slots", trainer.slots(options.candidates)},
                 {"threads_per_slot", trainer.threads_per_slot(options.candidates)},
                 {"images", images},
                 {"sequential_seconds", sequential_seconds},
                 {"parallel_seconds", parallel_seconds},
                 {"sequential_images_per_s", sequential_rate},
                 {"parallel_images_per_s", parallel_rate},
                 {"ratio", parallel_rate / sequential_rate}};
  if (options.json) {
    std::cout << output.dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "{} candidates on {} cores: one after another {:.0f} images/s, at once {:.0f} images/s "
        "({} slots x {} threads): ratio {:.2f}\n",
        options.candidates, cores, sequential_rate, parallel_rate,
        trainer.slots(options.candidates), trainer.threads_per_slot(options.candidates),
        parallel_rate / sequential_rate);
  }
}

void register_bench(CLI::App& app) {
  CLI::App* bench = subcommand_group(app, "bench", "Benchmarks");
  auto throughput = std::make_shared<ThroughputOptions>();
  CLI::App* command =
      bench->add_subcommand("train-throughput", "Forward+backward images/s of one architecture");
  command->add_option("architecture", throughput->architecture, "Preset, genotype key or file")
      ->capture_default_str();
  command->add_option("--batch", throughput->batch, "Batch size")->capture_default_str();
  command->add_option("--steps", throughput->steps, "Timed steps")->capture_default_str();
  command->add_option("--warmup", throughput->warmup, "Untimed steps first")->capture_default_str();
  command->add_option("--threads", throughput->threads, "Intra-op threads (default: every core)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--dump-architecture", throughput->dump_architecture,
                      "Write the architecture as JSON");
  command->add_flag("--json", throughput->json, "Print JSON");
  command->callback([throughput] { run_throughput(*throughput); });

  auto parallel = std::make_shared<ParallelBenchOptions>();
  CLI::App* parallel_command =
      bench->add_subcommand("parallel-training", "Parallel trainer vs one candidate after another");
  parallel_command->add_option("--candidates", parallel->candidates, "Candidates")
      ->capture_default_str();
  parallel_command->add_option("--cores", parallel->cores, "Cores (0: all)");
  parallel_command->add_option("--epochs", parallel->epochs, "Epochs per candidate")
      ->capture_default_str();
  parallel_command->add_option("--subset", parallel->subset, "Training images")
      ->capture_default_str();
  parallel_command->add_option("--channels", parallel->channels, "Channels of the candidates")
      ->capture_default_str();
  parallel_command->add_option("--seed", parallel->seed, "Seed of the sampled candidates")
      ->capture_default_str();
  parallel_command->add_flag("--json", parallel->json, "Print JSON");
  parallel_command->callback([parallel] { run_parallel_bench(*parallel); });
}

const CommandRegistration train_registration("train", register_train);
const CommandRegistration export_registration("train-export", register_export);
const CommandRegistration eval_registration("train-eval", register_eval);
const CommandRegistration bench_registration("train-bench", register_bench);

}  // namespace
}  // namespace pinas::cli
