// `pinas status | top | pareto | export-best`: read an experiment folder
// (also while its search runs).
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "nas/cli/command_registry.h"
#include "nas/config/experiment_config.h"
#include "nas/results/experiment_results.h"
#include "nas/store/trial_store.h"
#include "search_spaces/model_file.h"

namespace {

using pinas::nas::ExperimentResults;
using pinas::nas::TrialRecord;

void print_status(const std::string& folder, bool json) {
  ExperimentResults results = pinas::nas::load_results(folder);
  auto store = pinas::nas::TrialStore::open(pinas::nas::store_path(folder), true);
  auto counts = store.status_counts();
  auto finished = store.get_meta("finished_at");
  auto ranked = pinas::nas::ranked_trials(results);
  int trained = 0;
  for (const TrialRecord& trial : results.trials) trained += pinas::nas::was_trained(trial.status);
  const auto metric = results.config.objective().cost();
  const bool latency = metric == pinas::pb::PI_LATENCY;
  if (json) {
    nlohmann::json value = {{"name", results.config.name()},
                            {"trials", results.trials.size()},
                            {"trained", trained},
                            {"max_trials", results.config.max_trials()},
                            {"finished", finished.has_value()}};
    for (auto& [status, count] : counts) value["by_status"][status] = count;
    value["best"] =
        ranked.empty() ? nlohmann::json() : pinas::nas::trial_json(ranked.front(), metric);
    if (latency) {
      value["cost"] = {{"metric", "PI_LATENCY"},
                       {"unit", pinas::nas::cost_unit(results.config)},
                       {"network", results.config.objective().pi_latency().network()},
                       {"min", pinas::nas::min_cost(results.config)},
                       {"max", pinas::nas::max_cost(results.config)}};
    }
    std::cout << value.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format(
      "experiment {} ({}): {}\n", results.config.name(), folder,
      finished ? "finished" : "not finished (running, or killed: resume with --resume)");
  if (latency) {
    std::cout << fmt::format(
        "cost: predicted online latency (PI cost model, {} network), budget [{:.6f}, {:.6f}] s\n",
        results.config.objective().pi_latency().network(), pinas::nas::min_cost(results.config),
        pinas::nas::max_cost(results.config));
  }
  std::cout << fmt::format("trained {} of {} trials; {} candidates looked at\n", trained,
                           results.config.max_trials(), results.trials.size());
  for (auto& [status, count] : counts) std::cout << fmt::format("  {:<12} {}\n", status, count);
  if (ranked.empty()) {
    std::cout << "no complete trial yet\n";
  } else {
    std::cout << "best so far:\n" << pinas::nas::trial_table({ranked.front()}, metric);
  }
}

struct ExportBestOptions {
  std::string folder;
  long long budget = 0;
  double max_latency = 0;
  std::string out;
  bool json = false;
};

// The most accurate complete trial with a model within the ReLU budget or
// (`by_latency`) within the predicted-latency budget, written to options.out.
void export_best_model(const ExportBestOptions& options, bool by_latency) {
  ExperimentResults results = pinas::nas::load_results(options.folder);
  const auto metric = results.config.objective().cost();
  if (by_latency && metric != pinas::pb::PI_LATENCY)
    throw pinas::Error(fmt::format(
        "export-best --max-latency: {} is a ReLU-budgeted experiment (cost RELUS), so its trials "
        "have no predicted latency; use --budget",
        options.folder));
  for (const TrialRecord& trial : pinas::nas::ranked_trials(results)) {
    const bool within = by_latency ? trial.cost <= options.max_latency : trial.relus <= options.budget;
    if (!within || trial.model_path.empty()) continue;
    auto model =
        pinas::spaces::read_model_file(std::filesystem::path(options.folder) / trial.model_path);
    (*model.mutable_metadata())["pinas.trial"] = std::to_string(trial.number);
    (*model.mutable_metadata())["pinas.val_accuracy"] = fmt::format("{:.6f}", *trial.val_accuracy);
    pinas::spaces::write_model_file(options.out, model);
    if (options.json) {
      nlohmann::json value = pinas::nas::trial_json(trial, metric);
      value["out"] = options.out;
      std::cout << value.dump(2) << "\n";
      return;
    }
    std::cout << fmt::format(
        "exported trial {} ({} ReLUs{}, val {:.4f}, test {}) to {}\n", trial.number, trial.relus,
        metric == pinas::pb::PI_LATENCY ? fmt::format(", {:.6f} s predicted", trial.cost) : "",
        *trial.val_accuracy,
        trial.test_accuracy ? fmt::format("{:.4f}", *trial.test_accuracy) : "-", options.out);
    return;
  }
  throw pinas::Error(
      by_latency ? fmt::format("{}: no complete trial with a model file within {} s predicted",
                               options.folder, options.max_latency)
                 : fmt::format("{}: no complete trial with a model file within {} ReLUs",
                               options.folder, options.budget));
}

pinas::cli::CommandRegistration results_commands("status", [](CLI::App& app) {
  {
    auto folder = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    CLI::App* status =
        app.add_subcommand("status", "Progress and the best trial so far of an experiment");
    status->add_option("DIR", *folder, "Experiment folder")->required();
    status->add_flag("--json", *json, "One JSON document on stdout");
    status->callback([folder, json]() { print_status(*folder, *json); });
  }
  {
    auto folder = std::make_shared<std::string>();
    auto k = std::make_shared<int>(10);
    auto json = std::make_shared<bool>(false);
    CLI::App* top = app.add_subcommand("top", "The N most accurate complete trials");
    top->add_option("DIR", *folder, "Experiment folder")->required();
    top->add_option("--k", *k, "How many (default 10)")->check(CLI::PositiveNumber);
    top->add_flag("--json", *json, "A JSON list on stdout");
    top->callback([folder, k, json]() {
      ExperimentResults results = pinas::nas::load_results(*folder);
      const auto metric = results.config.objective().cost();
      auto ranked = pinas::nas::ranked_trials(results);
      if (ranked.size() > static_cast<std::size_t>(*k)) ranked.resize(static_cast<std::size_t>(*k));
      if (*json) {
        nlohmann::json list = nlohmann::json::array();
        for (const TrialRecord& trial : ranked)
          list.push_back(pinas::nas::trial_json(trial, metric));
        std::cout << list.dump(2) << "\n";
      } else {
        std::cout << pinas::nas::trial_table(ranked, metric);
      }
    });
  }
  {
    auto folder = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto plot = std::make_shared<std::string>();
    CLI::App* pareto = app.add_subcommand("pareto",
                                          "The Pareto front of validation accuracy against the "
                                          "experiment's cost (ReLUs or predicted latency)");
    pareto->add_option("DIR", *folder, "Experiment folder")->required();
    pareto->add_flag("--json", *json,
                     "A JSON list on stdout (trial, relus, cost, val_accuracy, test_accuracy, "
                     "...; latency_s for PI_LATENCY experiments)");
    pareto->add_option("--plot", *plot, "Also write an SVG plot (dominated trials in grey)");
    pareto->callback([folder, json, plot]() {
      ExperimentResults results = pinas::nas::load_results(*folder);
      const auto metric = results.config.objective().cost();
      auto front = pinas::nas::pareto_trials(results);
      if (!plot->empty()) {
        std::ofstream out(*plot);
        out << pinas::nas::pareto_svg(results);
        if (!out) throw pinas::Error(fmt::format("cannot write the plot {}", *plot));
      }
      if (*json) {
        nlohmann::json list = nlohmann::json::array();
        for (const TrialRecord& trial : front)
          list.push_back(pinas::nas::trial_json(trial, metric));
        for (const auto& reduced : results.reduced) list.push_back(pinas::nas::reduced_json(reduced));
        std::cout << list.dump(2) << "\n";
      } else {
        std::cout << pinas::nas::trial_table(front, metric);
        if (!results.reduced.empty()) {
          std::cout << "\nreduced networks (the config's reduction step):\n"
                    << pinas::nas::reduced_table(results.reduced);
        }
      }
    });
  }
  {
    auto options = std::make_shared<ExportBestOptions>();
    CLI::App* export_best = app.add_subcommand(
        "export-best",
        "Write the most accurate trained model within a ReLU budget or, for a latency-budgeted "
        "experiment, within a predicted-latency budget");
    export_best->add_option("DIR", options->folder, "Experiment folder")->required();
    CLI::Option* budget = export_best
                              ->add_option("--budget", options->budget, "Largest ReLU count allowed")
                              ->check(CLI::PositiveNumber);
    CLI::Option* latency =
        export_best
            ->add_option("--max-latency", options->max_latency,
                         "Largest predicted online latency allowed, in seconds (PI_LATENCY "
                         "experiments: the search's own cost model)")
            ->check(CLI::PositiveNumber);
    budget->excludes(latency);
    export_best->add_option("--out", options->out, "Model file to write (MODEL.pb)")->required();
    export_best->add_flag("--json", options->json, "One JSON document on stdout");
    export_best->callback([options, budget, latency]() {
      if (budget->count() == 0 && latency->count() == 0)
        throw pinas::Error("export-best: give --budget RELUS or --max-latency SECONDS");
      export_best_model(*options, latency->count() > 0);
    });
  }
});

}  // namespace
