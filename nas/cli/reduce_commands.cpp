// `pinas reduce`: ReLU reduction of a trained model (SNL, SNL channel-wise,
// AutoReP, DeepReDuce) to a front of networks at chosen ReLU budgets.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "nas/cli/command_registry.h"
#include "nas/results/front_plot.h"
#include "proto/error.h"
#include "search_spaces/model_file.h"
#include "train/reduction/reduction_runner.h"

namespace pinas::cli {
namespace {

struct ReduceOptions {
  train::ReductionJob job;
  std::string method = "snl";
  std::string budgets;
  std::string data;
  std::string replacement = "quadratic";
  int epochs = -1;           // the method's main schedule; -1: the paper's
  int finetune_epochs = -1;  // SNL's finetune; -1: the paper's
  std::string out;
  std::string device = "cpu";
  bool json = false;
  bool quiet = false;
};

std::vector<int64_t> parse_budgets(const std::string& text) {
  std::vector<int64_t> budgets;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t used = 0;
    long long value = -1;
    try {
      value = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size() || value <= 0) {
      throw Error("reduce: --budget: '" + part + "' is not a positive ReLU count (R[,R...])");
    }
    budgets.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return budgets;
}

train::ReplacementKind parse_replacement(const std::string& text) {
  if (text == "quadratic") return train::ReplacementKind::kQuadratic;
  if (text == "linear") return train::ReplacementKind::kLinear;
  if (text == "identity") return train::ReplacementKind::kIdentity;
  throw Error("reduce: --replacement: '" + text + "' is not quadratic, linear or identity");
}

std::string front_svg(const train::ReductionResult& result, const std::string& model) {
  nas::PlotSeries reduced{train::reduction_method_name(result.method), "#1f77b4", true, 4.5, {}};
  for (const auto& network : result.networks) {
    reduced.points.push_back({static_cast<double>(std::max<int64_t>(1, network.relus)), network.test_accuracy,
                              fmt::format("{}: {} ReLUs (budget {}), test {:.2f}%", network.label, network.relus,
                                          network.budget, 100 * network.test_accuracy)});
  }
  nas::PlotSeries baseline{"unreduced", "#d62728", false, 5.0, {}};
  baseline.points.push_back({static_cast<double>(result.baseline_relus), result.baseline_test_accuracy,
                             fmt::format("{}: {} ReLUs, test {:.2f}%", model, result.baseline_relus,
                                         100 * result.baseline_test_accuracy)});
  nas::PlotAxes axes{fmt::format("pinas reduce ({}): test accuracy vs ReLUs", train::reduction_method_name(result.method)),
                     "ReLUs (log scale)", "test accuracy", false};
  return nas::render_front_svg(axes, {reduced, baseline});
}

void run_reduce(ReduceOptions& options) {
  auto& job = options.job;
  job.method = train::parse_reduction_method(options.method);
  job.budgets = parse_budgets(options.budgets);
  job.autorep.replacement = parse_replacement(options.replacement);
  const pb::Model model = spaces::read_model_file(job.model);
  if (!options.data.empty()) {
    job.data_spec = options.data;
  } else if (model.dataset() == "fashion-mnist") {
    job.data_spec = "fashion-mnist";
  } else {
    throw Error("reduce: " + job.model.string() + " was trained on '" + model.dataset() +
                "'; give its data with --data SPEC");
  }
  if (options.epochs >= 0) {
    job.snl.max_mask_epochs = options.epochs;
    job.autorep.epochs = options.epochs;
    job.deepreduce.epochs = options.epochs;
  }
  if (options.finetune_epochs >= 0) job.snl.finetune_epochs = options.finetune_epochs;
  job.output_dir = options.out.empty() ? std::filesystem::path("runs") / ("reduce-" + options.method)
                                       : std::filesystem::path(options.out);
  job.progress = !options.quiet;
  if (options.device == "cpu") {
    job.device = -1;
  } else if (options.device == "cuda") {
    job.device = 0;
  } else if (options.device.rfind("cuda:", 0) == 0 && options.device.size() > 5 &&
             options.device.find_first_not_of("0123456789", 5) == std::string::npos) {
    job.device = std::stoi(options.device.substr(5));
  } else {
    throw Error("reduce: --device: '" + options.device + "' is not cpu, cuda or cuda:N");
  }
  if (job.threads == 0) job.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const train::ReductionResult result = train::run_reduction(job);
  std::ofstream(job.output_dir / "front.svg") << front_svg(result, job.model.string());
  if (options.json) {
    std::cout << train::reduction_result_json(result) << "\n";
  } else {
    std::cout << train::reduction_result_table(result);
    std::cout << fmt::format("front: {0}/front.json, {0}/front.txt, {0}/front.svg\n", job.output_dir.string());
  }
}

void register_reduce(CLI::App& app) {
  auto options = std::make_shared<ReduceOptions>();
  auto& job = options->job;
  CLI::App* command = app.add_subcommand(
      "reduce", "Reduce a trained model's ReLUs to chosen budgets (SNL, AutoReP, DeepReDuce)");
  command->add_option("model", job.model, "Trained model file (pinas export)")->required();
  command->add_option("--method", options->method, "snl, snl-channel, autorep or deepreduce")->capture_default_str();
  command->add_option("--budget", options->budgets, "ReLU budgets, comma-separated (each result has at most R)")
      ->required();
  command->add_option("--data", options->data, "Data spec (default: the model's dataset)");
  command->add_option("--teacher", job.teacher, "Teacher model file (default: the input model)");
  command->add_option("--epochs", options->epochs,
                      "Main schedule: SNL's mask-phase cap (2000), AutoReP's epochs (200), DeepReDuce's (200)");
  command->add_option("--finetune-epochs", options->finetune_epochs, "SNL's finetune after binarizing (100)");
  command->add_option("--subset", job.train_subset, "Train on a stratified sample of N images (0: all)");
  command->add_option("--test-subset", job.test_subset, "Test on a stratified sample of N images (0: all)");
  command->add_option("--validation-fraction", job.validation_fraction, "Held out of the training set")
      ->capture_default_str();
  command->add_option("--batch", job.batch_size, "Batch size")->capture_default_str();
  command->add_option("--kd-temperature", job.kd_temperature, "Distillation temperature T")->capture_default_str();
  // SNL.
  command->add_option("--snl-lambda", job.snl.initial_lambda, "SNL: initial λ")->capture_default_str();
  command->add_option("--snl-lambda-growth", job.snl.lambda_growth, "SNL: λ growth when the count stalls")
      ->capture_default_str();
  command->add_option("--snl-patience", job.snl.lambda_patience_epochs, "SNL: epochs before λ may grow")
      ->capture_default_str();
  command->add_option("--snl-threshold", job.snl.alpha_threshold, "SNL: α threshold of a live ReLU")
      ->capture_default_str();
  command->add_option("--snl-lr", job.snl.learning_rate, "SNL: Adam learning rate of the mask phase")
      ->capture_default_str();
  command->add_option("--snl-alpha-lr", job.snl.alpha_learning_rate,
                      "SNL: the α's own Adam rate (0: --snl-lr, as the paper)")
      ->capture_default_str();
  command->add_option("--snl-check-every", job.snl.check_every_steps,
                      "SNL: test count <= budget every N steps (0: after every epoch, as the paper)")
      ->capture_default_str();
  command->add_option("--finetune-lr", job.snl.finetune_learning_rate, "SNL: SGD learning rate of the finetune")
      ->capture_default_str();
  // AutoReP.
  command->add_option("--replacement", options->replacement, "AutoReP: quadratic, linear or identity")
      ->capture_default_str();
  command->add_option("--autorep-penalty", job.autorep.budget_penalty, "AutoReP: λ of the budget penalty")
      ->capture_default_str();
  command->add_option("--autorep-threshold", job.autorep.hysteresis_threshold, "AutoReP: hysteresis threshold")
      ->capture_default_str();
  command->add_option("--autorep-lr", job.autorep.learning_rate, "AutoReP: Adam learning rate (cosine)")
      ->capture_default_str();
  command->add_option("--autorep-gate-lr", job.autorep.gate_learning_rate,
                      "AutoReP: the gates' own rate (0: --autorep-lr, as the paper)")
      ->capture_default_str();
  command->add_option("--dapa-refit-every", job.autorep.dapa_refit_every, "AutoReP: DaPa refit period, iterations")
      ->capture_default_str();
  command->add_option("--dapa-refit-until", job.autorep.dapa_refit_until, "AutoReP: DaPa warm-up, iterations")
      ->capture_default_str();
  command
      ->add_option("--autorep-x2-scale", job.autorep.x2_scale,
                   "AutoReP: factor on DaPa's fitted x² coefficient (released scripts' --scale_x2; "
                   "1: exact fit)")
      ->capture_default_str();
  command
      ->add_option("--dapa-min-variance", job.autorep.dapa_min_variance,
                   "AutoReP: floor on the variance DaPa fits from (released var_min)")
      ->capture_default_str();
  command->add_option("--budget-slack", job.autorep.budget_slack,
                      "AutoReP: best epoch kept within budget + slack, then cut to the budget")
      ->capture_default_str();
  // DeepReDuce.
  command->add_option("--criticality-epochs", job.deepreduce.criticality_epochs,
                      "DeepReDuce: epochs of each stage-criticality network")
      ->capture_default_str();
  command->add_option("--alpha", job.deepreduce.channel_scale, "DeepReDuce: channel multiplier of reshaped networks")
      ->capture_default_str();
  command->add_option("--rho-divisor", job.deepreduce.resolution_divisor, "DeepReDuce: 1/ρ of reshaped networks")
      ->capture_default_str();
  command->add_option("--lr", job.deepreduce.learning_rate, "DeepReDuce: SGD learning rate (cosine)")
      ->capture_default_str();
  command->add_option("--seed", job.seed, "Seed")->capture_default_str();
  command->add_option("--threads", job.threads, "Intra-op threads (default: every core)");
  command->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
  command->add_option("--out", options->out, "Output folder (default runs/reduce-<method>)");
  command->add_flag("--resume", job.resume, "Continue a killed run from its checkpoints");
  command->add_flag("--json", options->json, "Print the front as JSON");
  command->add_flag("--quiet", options->quiet, "No progress lines");
  command->callback([options] { run_reduce(*options); });
}

const CommandRegistration registration("reduce", register_reduce);

}  // namespace
}  // namespace pinas::cli
