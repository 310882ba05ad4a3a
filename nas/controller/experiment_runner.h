#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

namespace pinas::nas {

// What `pinas search` was asked to do: a new experiment from a config
// (written to `out`, else the config's output_dir), or a resumed one.
struct SearchRequest {
  std::optional<std::filesystem::path> config;
  std::optional<std::filesystem::path> out;
  std::optional<std::filesystem::path> resume;
  // Draw a progress bar on stderr (the CLI sets it when stderr is a
  // terminal); otherwise plain progress lines go to the log.
  bool progress_bar = false;
};

// Runs `pinas search`: embedded (one process, trials trained in parallel by
// the TBB trainer) or, when launched by mpirun/srun with more than one rank,
// rank 0 runs the controller and owns the trial store while the other ranks
// train. Progress lines and the final Pareto table go to `log` (rank 0).
// Throws Error (ConfigError, StoreError, ...) for a bad request.
void run_search(const SearchRequest& request, std::ostream& log);

}  // namespace pinas::nas
