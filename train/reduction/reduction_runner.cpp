#include "train/reduction/reduction_runner.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "proto/error.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/model_file.h"
#include "train/reduction/detail/reduction_context.h"
#include "train/reduction/detail/reduction_methods.h"

namespace pinas::train {

namespace {

using nlohmann::json;

json network_json(const ReducedNetwork& network) {
  auto number = [](double value) { return std::isfinite(value) ? json(value) : json(nullptr); };
  return {{"budget", network.budget},
          {"relus", network.relus},
          {"polynomial_elements", network.polynomial_elements},
          {"val_accuracy", number(network.val_accuracy)},
          {"test_accuracy", number(network.test_accuracy)},
          {"epochs", network.epochs},
          {"seconds", network.seconds},
          {"label", network.label},
          {"model_file", network.model_file.string()}};
}

ReducedNetwork network_from_json(const json& document) {
  ReducedNetwork network;
  auto number = [](const json& value) { return value.is_null() ? std::nan("") : value.get<double>(); };
  network.budget = document.at("budget").get<int64_t>();
  network.relus = document.at("relus").get<int64_t>();
  network.polynomial_elements = document.at("polynomial_elements").get<int64_t>();
  network.val_accuracy = number(document.at("val_accuracy"));
  network.test_accuracy = number(document.at("test_accuracy"));
  network.epochs = document.at("epochs").get<int>();
  network.seconds = document.at("seconds").get<double>();
  network.label = document.at("label").get<std::string>();
  network.model_file = document.at("model_file").get<std::string>();
  return network;
}

void check_job(const ReductionJob& job, int64_t baseline_relus) {
  if (baseline_relus == 0) throw Error("reduce: " + job.model.string() + " has no ReLUs to reduce");
  if (job.budgets.empty()) throw Error("reduce: no budget given (--budget R[,R...])");
  for (int64_t budget : job.budgets) {
    if (budget < 0) throw Error(fmt::format("reduce: budget {} is negative", budget));
    if (budget >= baseline_relus) {
      throw Error(fmt::format("reduce: budget {} is not below the model's {} ReLUs", budget, baseline_relus));
    }
  }
  if (job.output_dir.empty()) throw Error("reduce: no output folder");
}

}  // namespace

ReductionResult run_reduction(const ReductionJob& job) {
  // The cheap checks first, before any data is loaded.
  const auto report = spaces::analyze(spaces::Architecture::from_proto(spaces::read_model_file(job.model).architecture()));
  check_job(job, report.relus);
  detail::ReductionContext context(job);
  ReductionResult result;
  result.method = job.method;
  result.baseline_relus = report.relus;
  result.baseline_test_accuracy = context.model().test_accuracy();
  std::filesystem::create_directories(job.output_dir);
  const std::string method = reduction_method_name(job.method);
  context.log(fmt::format("reduce: {} on {} ({} ReLUs, test accuracy {:.2f}%), budgets {}", method,
                          job.model.string(), report.relus, 100 * result.baseline_test_accuracy,
                          fmt::join(job.budgets, ",")));
  if (job.method == ReductionMethod::kDeepReduce) {
    detail::run_deepreduce(context, result);
  } else {
    // Largest budget first: SNL's smaller budgets continue its mask phase.
    std::vector<int64_t> budgets = job.budgets;
    std::sort(budgets.begin(), budgets.end(), std::greater<>());
    budgets.erase(std::unique(budgets.begin(), budgets.end()), budgets.end());
    std::filesystem::path previous;
    for (int64_t budget : budgets) {
      const auto folder = job.output_dir / fmt::format("{}-{}", method, budget);
      const auto done = folder / "result.json";
      if (job.resume && std::filesystem::exists(done)) {
        result.networks.push_back(network_from_json(json::parse(std::ifstream(done))));
        context.log(fmt::format("{} budget {}: already done", method, budget));
        previous = folder / "mask_phase.pt";
        continue;
      }
      std::filesystem::create_directories(folder);
      ReducedNetwork reduced = job.method == ReductionMethod::kAutoRep
                                   ? detail::run_autorep(context, budget, folder)
                                   : detail::run_snl(context, budget, folder,
                                                     job.method == ReductionMethod::kSnlChannel, previous);
      previous = folder / "mask_phase.pt";
      std::ofstream(done) << network_json(reduced).dump(2) << "\n";
      context.log(fmt::format("{} budget {}: {} ReLUs, {} polynomial elements, test accuracy {:.2f}% -> {}", method,
                              budget, reduced.relus, reduced.polynomial_elements, 100 * reduced.test_accuracy,
                              reduced.model_file.string()));
      result.networks.push_back(std::move(reduced));
    }
  }
  std::sort(result.networks.begin(), result.networks.end(),
            [](const ReducedNetwork& a, const ReducedNetwork& b) { return a.budget < b.budget; });
  std::ofstream(job.output_dir / "front.json") << reduction_result_json(result) << "\n";
  std::ofstream(job.output_dir / "front.txt") << reduction_result_table(result);
  return result;
}

std::string reduction_result_json(const ReductionResult& result) {
  json networks = json::array();
  for (const auto& network : result.networks) networks.push_back(network_json(network));
  json criticality = json::array();
  for (const auto& stage : result.criticality) {
    criticality.push_back({{"stage", stage.stage},
                           {"relus", stage.relus},
                           {"val_accuracy", stage.val_accuracy},
                           {"rank", stage.rank}});
  }
  json document{{"method", reduction_method_name(result.method)},
                {"baseline_relus", result.baseline_relus},
                {"baseline_test_accuracy", result.baseline_test_accuracy},
                {"networks", networks}};
  if (!criticality.empty()) document["criticality"] = criticality;
  return document.dump(2);
}

std::string reduction_result_table(const ReductionResult& result) {
  std::string text = fmt::format("{:>10} {:>10} {:>11} {:>9} {:>9} {:>7} {:>9}  {}\n", "budget", "relus",
                                 "polynomial", "val %", "test %", "epochs", "seconds", "network");
  text += fmt::format("{:>10} {:>10} {:>11} {:>9} {:>9.2f} {:>7} {:>9}  {}\n", "-", result.baseline_relus, 0, "-",
                      100 * result.baseline_test_accuracy, "-", "-", "unreduced");
  for (const auto& network : result.networks) {
    text += fmt::format("{:>10} {:>10} {:>11} {:>9.2f} {:>9.2f} {:>7} {:>9.0f}  {} ({})\n", network.budget,
                        network.relus, network.polynomial_elements, 100 * network.val_accuracy,
                        100 * network.test_accuracy, network.epochs, network.seconds, network.label,
                        network.model_file.string());
  }
  if (!result.criticality.empty()) {
    text += "\nDeepReDuce stage criticality (ReLUs in that stage only; rank 1 is culled first):\n";
    for (const auto& stage : result.criticality) {
      text += fmt::format("  stage {}: {} ReLUs, validation {:.2f}%, rank {}\n", stage.stage, stage.relus,
                          100 * stage.val_accuracy, stage.rank);
    }
  }
  return text;
}

}  // namespace pinas::train
