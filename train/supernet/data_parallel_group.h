#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <span>
#include <vector>

// Data-parallel supernet training (DARTS, ENAS) over K processes without
// pinas::train knowing how they talk: nas/cluster implements the group with
// MPI. Every rank sees the same global batches (the same seeds), takes its
// shard of each, and sums what it computed with the others: gradients,
// batch-norm statistics, counts. With the same global batch and seed, K
// ranks follow the trajectory of one (to floating-point reassociation).
namespace pinas::train::supernet {

// The ranks training one supernet together. Thread-safety: one thread per
// rank calls it; every rank makes the same calls in the same order (they are
// collective).
class DataParallelGroup {
 public:
  virtual ~DataParallelGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Replaces `values` on every rank by their element-wise sum over the ranks,
  // added in rank order so every rank holds the same bits. Throws
  // pinas::Error (derived) when the ranks cannot talk.
  virtual void sum(std::span<double> values) = 0;
};

// The rows [rank * N / K, (rank + 1) * N / K) of `batch` (N x ...): this
// rank's shard of a global batch. Thread-safe.
torch::Tensor shard_of(const DataParallelGroup& group, const torch::Tensor& batch);

// The sum over the ranks of `tensor` (any shape, float or double), as a
// differentiable op: its gradient is the sum over the ranks of the
// gradients, so a loss that is the sum of the ranks' losses differentiates
// exactly. Collective in forward and backward.
torch::Tensor sum_across_ranks(DataParallelGroup& group, const torch::Tensor& tensor);

// Sums the gradients of `parameters` over the ranks in place (one message
// for all). An undefined gradient (an idle ENAS branch) stays undefined, so
// the optimizer skips it as it would in one process; it must be undefined
// on every rank (the ranks run the same architecture). Collective.
void sum_gradients(DataParallelGroup& group, const std::vector<torch::Tensor>& parameters);

// Sums `tensors` over the ranks in place (one message for all); undefined
// entries stay undefined and must be undefined on every rank. Collective.
void sum_tensors(DataParallelGroup& group, std::vector<torch::Tensor>& tensors);

// The sum over the ranks of each of `values`. Collective.
std::vector<double> sum_values(DataParallelGroup& group, std::vector<double> values);

// While one lives, the supernets' batch norms on this thread normalize with
// the statistics of the global batch (sums over `group`'s ranks) instead of
// their shard's. Nested scopes restore the outer group. Not copyable.
class DataParallelScope {
 public:
  explicit DataParallelScope(DataParallelGroup* group);
  ~DataParallelScope();
  DataParallelScope(const DataParallelScope&) = delete;
  DataParallelScope& operator=(const DataParallelScope&) = delete;

 private:
  DataParallelGroup* previous_;
};

// The group of the innermost DataParallelScope on this thread, or nullptr.
DataParallelGroup* active_data_parallel_group();

}  // namespace pinas::train::supernet
