// `pinas search`: run or resume an architecture search (nas/controller/).
#include <iostream>

#ifdef PINAS_NAS_MPI
#include <mpi.h>
#endif

#include "nas/cli/command_registry.h"
#include "nas/cluster/cluster_error.h"
#include "nas/controller/experiment_runner.h"

namespace {

pinas::cli::CommandRegistration search_commands("search", [](CLI::App& app) {
  auto request = std::make_shared<pinas::nas::SearchRequest>();
  auto config = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto resume = std::make_shared<std::string>();
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
  search->callback([request, config, out, resume]() {
    if (!config->empty()) request->config = *config;
    if (!out->empty()) request->out = *out;
    if (!resume->empty()) request->resume = *resume;
    try {
      pinas::nas::run_search(*request, std::cout);
    } catch (const pinas::nas::ClusterError& error) {
      if (!error.other_ranks_stranded()) throw;
      // The other ranks may wait for this one forever: the CLI, not the
      // library, ends the whole MPI job once the error is printed.
      std::cerr << "pinas: error: " << error.what() << std::endl;
#ifdef PINAS_NAS_MPI
      MPI_Abort(MPI_COMM_WORLD, 2);  // does not return
#endif
      throw;
    }
  });
});

}  // namespace
