// `pinas search`: run or resume an architecture search (nas/controller/).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#ifdef PINAS_NAS_MPI
#include <mpi.h>
#endif

#include "nas/cli/command_registry.h"
#include "nas/cluster/cluster_error.h"
#include "nas/config/experiment_config.h"
#include "nas/controller/experiment_runner.h"
#include "nas/results/experiment_results.h"

namespace {

// The experiment folder a request writes: --resume DIR, --out DIR or the
// config's output_dir (as run_search resolves it).
std::filesystem::path experiment_folder(const pinas::nas::SearchRequest& request) {
  if (request.resume) return *request.resume;
  if (request.out) return *request.out;
  return pinas::nas::load_experiment_config(*request.config).output_dir();
}

// Under mpirun/srun every rank runs this command; only rank 0 (the
// controller, which owns the store) prints the JSON document.
bool is_controller_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* rank = std::getenv(name)) return std::string(rank) == "0";
  return true;
}

// {"name", "folder", "trials", "trained", "max_trials", "front": [trial_json],
// "best": trial_json or null, "reduced": [reduced_json]}.
nlohmann::json search_json(const std::filesystem::path& folder) {
  const auto results = pinas::nas::load_results(folder);
  const auto metric = results.config.objective().cost();
  nlohmann::json front = nlohmann::json::array();
  for (const auto& trial : pinas::nas::pareto_trials(results))
    front.push_back(pinas::nas::trial_json(trial, metric));
  nlohmann::json reduced = nlohmann::json::array();
  for (const auto& network : results.reduced) reduced.push_back(pinas::nas::reduced_json(network));
  int trained = 0;
  for (const auto& trial : results.trials) trained += pinas::nas::was_trained(trial.status);
  const auto ranked = pinas::nas::ranked_trials(results);
  return {{"name", results.config.name()},
          {"folder", folder.string()},
          {"trials", results.trials.size()},
          {"trained", trained},
          {"max_trials", results.config.max_trials()},
          {"front", front},
          {"best", ranked.empty() ? nlohmann::json() : pinas::nas::trial_json(ranked.front(), metric)},
          {"reduced", reduced}};
}

pinas::cli::CommandRegistration search_commands("search", [](CLI::App& app) {
  auto request = std::make_shared<pinas::nas::SearchRequest>();
  auto config = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto resume = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* search = app.add_subcommand(
      "search",
      "Search architectures under a ReLU or predicted-latency budget (or for the Pareto front of "
      "accuracy against that cost). Works embedded, or under mpirun/srun with rank 0 as "
      "controller. Survives kill -9: continue with --resume DIR.");
  CLI::Option* config_option =
      search->add_option("--config", *config, "Experiment config (protobuf text format)");
  search->add_option("--out", *out, "Experiment folder (default: the config's output_dir)")
      ->needs(config_option);
  search->add_option("--resume", *resume, "Continue the experiment in this folder")
      ->excludes(config_option);
  search->add_flag("--json", *json,
                   "Progress lines on stderr; at the end one JSON document on stdout (front, "
                   "best, counts)");
  search->callback([request, config, out, resume, json]() {
    if (!config->empty()) request->config = *config;
    if (!out->empty()) request->out = *out;
    if (!resume->empty()) request->resume = *resume;
    request->progress_bar = ::isatty(STDERR_FILENO) == 1;
    try {
      pinas::nas::run_search(*request, *json ? std::cerr : std::cout);
      if (*json && is_controller_rank()) std::cout << search_json(experiment_folder(*request)).dump(2) << "\n";
    } catch (const pinas::nas::ClusterError& error) {
      if (!error.other_ranks_stranded()) throw;
      // The other ranks may wait for this one forever: the CLI, not the
      // library, ends the whole MPI job once the error is printed.
      std::cerr << fmt::format("pinas: error: {}\n", error.what());  // one write
#ifdef PINAS_NAS_MPI
      MPI_Abort(MPI_COMM_WORLD, 2);  // does not return
#endif
      throw;
    }
  });
});

}  // namespace
