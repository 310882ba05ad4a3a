// The data-parallel supernet under MPI (issue 11): run by ctest as
// `mpirun --oversubscribe -np 3 mpi_supernet_trajectory darts|enas DIR`.
// Every rank trains the same tiny supernet on Fashion-MNIST with its shard
// of each global batch; then rank 0 trains it again alone (a one-rank
// group over MPI_COMM_SELF: the whole batch in one process) and compares
// the two trajectories, every weight and alpha (DARTS) or every weight
// (ENAS) after every step, writing both dumps to DIR. Prints "OK: ..." and
// exits 0 when they agree to floating-point tolerance, "FAIL: ..." and 1
// otherwise; "skipped: ..." without the dataset.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "nas/cluster/mpi_cluster.h"
#include "nas/cluster/mpi_data_parallel_group.h"
#include "nas/strategies/enas_search.h"
#include "train/supernet/darts_search.h"

namespace {

using Trajectory = std::vector<std::vector<double>>;  // per step: every value in order

void append(std::vector<double>& values, const std::vector<torch::Tensor>& tensors) {
  for (const auto& tensor : tensors) {
    auto flat = tensor.detach().to(torch::kFloat64).contiguous().view(-1);
    values.insert(values.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
  }
}

Trajectory run_darts(std::shared_ptr<pinas::train::supernet::DataParallelGroup> group) {
  pinas::train::supernet::DartsSearchSettings settings;
  settings.train_subset = 120;  // 60 weight and 60 alpha images: 2 steps of 30 per epoch
  settings.validation_fraction = 0.01;
  settings.network.cells = 3;
  settings.network.channels = 4;
  settings.network.reduction_positions = {1, 2};
  settings.batch_size = 30;
  settings.epochs = 2;
  settings.learning_rate = 0.05;
  settings.alpha_learning_rate = 3e-3;
  settings.unrolled = true;  // the virtual step's gradient is summed too
  settings.seed = 3;
  settings.threads = 1;
  settings.group = std::move(group);
  Trajectory trajectory;
  settings.on_step = [&](int, int64_t, pinas::train::supernet::DartsSupernetImpl& supernet) {
    std::vector<double> values;
    append(values, supernet.alpha_parameters());
    append(values, supernet.weight_parameters());
    append(values, supernet.buffers());  // batch-norm running statistics
    trajectory.push_back(std::move(values));
  };
  pinas::train::supernet::run_darts_search(settings);
  return trajectory;
}

Trajectory run_enas(std::shared_ptr<pinas::train::supernet::DataParallelGroup> group) {
  pinas::nas::EnasSearchSettings settings;
  settings.train_subset = 90;
  settings.validation_fraction = 0.34;  // 30 validation images: the rewards' minibatches
  settings.network.layers = 3;
  settings.network.channels = 4;
  settings.batch_size = 30;
  settings.epochs = 2;
  settings.controller_steps = 2;
  settings.controller_samples = 2;
  settings.reward_batch_size = 15;
  settings.final_samples = 2;
  settings.seed = 3;
  settings.threads = 1;
  settings.group = std::move(group);
  Trajectory trajectory;
  settings.on_step = [&](pinas::train::supernet::EnasSupernetImpl& supernet,
                         const pinas::nas::EnasController& controller) {
    std::vector<double> values;
    append(values, supernet.parameters());
    append(values, const_cast<pinas::nas::EnasController&>(controller).module().parameters());
    trajectory.push_back(std::move(values));
  };
  pinas::nas::run_enas_search(settings);
  return trajectory;
}

void dump(const std::filesystem::path& path, const Trajectory& trajectory) {
  std::ofstream out(path);
  out.precision(17);
  for (const auto& step : trajectory) {
    for (size_t i = 0; i < step.size(); ++i) out << (i ? " " : "") << step[i];
    out << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "darts" && std::string(argv[1]) != "enas")) {
    std::cerr << "usage: mpi_supernet_trajectory darts|enas DIR\n";
    return 2;
  }
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist")) {
    std::cout << "skipped: no Fashion-MNIST in /usr/share/datasets/fashion-mnist\n";
    return 0;
  }
  const std::string kind = argv[1];
  const std::filesystem::path folder = argv[2];
  try {
    pinas::nas::MpiSession session;
    auto run = kind == "darts" ? run_darts : run_enas;
    const auto world = std::make_shared<pinas::nas::MpiDataParallelGroup>(session, true);
    const auto parallel = run(world);
    if (session.rank() != 0) return 0;
    const auto alone = run(std::make_shared<pinas::nas::MpiDataParallelGroup>(session, false));
    std::filesystem::create_directories(folder);
    dump(folder / fmt::format("{}-ranks{}.txt", kind, session.size()), parallel);
    dump(folder / fmt::format("{}-ranks1.txt", kind), alone);
    if (parallel.size() != alone.size() || parallel.empty()) {
      std::cout << fmt::format("FAIL: {} steps with {} ranks, {} alone\n", parallel.size(),
                               session.size(), alone.size());
      return 1;
    }
    double worst = 0, largest = 0;
    size_t values = 0;
    for (size_t step = 0; step < parallel.size(); ++step) {
      if (parallel[step].size() != alone[step].size()) {
        std::cout << fmt::format("FAIL: step {} has {} values with {} ranks, {} alone\n", step,
                                 parallel[step].size(), session.size(), alone[step].size());
        return 1;
      }
      for (size_t i = 0; i < alone[step].size(); ++i) {
        worst = std::max(worst, std::abs(parallel[step][i] - alone[step][i]) /
                                    std::max(1.0, std::abs(alone[step][i])));
        largest = std::max(largest, std::abs(alone[step][i]));
      }
      values += alone[step].size();
    }
    constexpr double kTolerance = 1e-4;
    const bool same = worst <= kTolerance;
    std::cout << fmt::format(
        "{}: {} {} steps, {} values compared, {} ranks against one: largest difference {:.3g} "
        "(relative above 1; tolerance {:g}), largest value {:.3g}\n",
        same ? "OK" : "FAIL", kind, parallel.size(), values, session.size(), worst, kTolerance,
        largest);
    return same ? 0 : 1;
  } catch (const std::exception& error) {
    std::cout << "FAIL: " << error.what() << "\n";
    return 1;
  }
}
