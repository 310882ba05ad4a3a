#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::spaces::detail {

// A tensor the builder has produced: the node's id (graph mode) and its shape.
struct Tensor {
  NodeId node = 0;
  Shape shape;
};

// Emits a network op by op, inferring shapes and accounting costs with the
// same rule as analyze() (node_cost). In graph mode (given an Architecture)
// it also adds named nodes; in counting mode (nullptr) it only keeps the
// totals, which is the spaces' fast path: the same space code drives both,
// so the two can only differ if node_cost did. Throws GraphError from
// node_cost (e.g. an input too small for the reductions). Not thread-safe.
class NetworkBuilder {
 public:
  explicit NetworkBuilder(Architecture* architecture) : architecture_(architecture) {}

  bool building_graph() const { return architecture_ != nullptr; }

  // Node names are "<scope>/<scope>/<label>"; scopes nest until the guard dies.
  class ScopeGuard {
   public:
    explicit ScopeGuard(NetworkBuilder& builder) : builder_(builder) {}
    ~ScopeGuard() { builder_.pop_scope(); }
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;

   private:
    NetworkBuilder& builder_;
  };
  // A scope "<label><index>" (no index when index < 0), or
  // "<label><index>_<second>" when second >= 0. Names are only composed in
  // graph mode, so counting mode pays nothing for them.
  [[nodiscard]] ScopeGuard scope(std::string_view label, int index = -1, int second = -1);

  Tensor input(Shape shape);
  Tensor conv(Tensor x, std::int64_t out_channels, int kernel, int stride, int padding,
              int dilation = 1, std::string_view label = "conv");
  Tensor separable_conv(Tensor x, std::int64_t out_channels, int kernel, int stride, int padding,
                        int dilation = 1, std::string_view label = "sep_conv");
  Tensor batch_norm(Tensor x, std::string_view label = "bn");
  Tensor relu(Tensor x, std::string_view label = "relu");
  Tensor identity(Tensor x, std::string_view label = "identity");
  Tensor zero(Tensor x, int stride, std::string_view label = "zero");
  Tensor avg_pool(Tensor x, int kernel, int stride, int padding, std::string_view label = "avg_pool");
  Tensor max_pool(Tensor x, int kernel, int stride, int padding, std::string_view label = "max_pool");
  Tensor global_avg_pool(Tensor x, std::string_view label = "global_avg_pool");
  Tensor add(std::span<const Tensor> inputs, std::string_view label = "add");
  Tensor concat(std::span<const Tensor> inputs, std::string_view label = "concat");
  Tensor linear(Tensor x, std::int64_t out_channels, std::string_view label = "linear");
  Tensor flatten(Tensor x, std::string_view label = "flatten");
  Tensor output(Tensor x, std::string_view label = "output");

  // conv then batch norm (no bias: the norm absorbs it).
  Tensor conv_bn(Tensor x, std::int64_t out_channels, int kernel, int stride, int padding,
                 int dilation = 1, std::string_view label = "conv");

  const CostTotals& totals() const { return totals_; }

 private:
  Tensor emit(Node node, std::span<const Tensor> inputs, std::string_view label);
  void pop_scope();

  Architecture* architecture_;
  CostTotals totals_;
  std::vector<std::size_t> scope_lengths_;
  std::string path_;
  std::vector<Shape> shape_buffer_;
  std::vector<NodeId> id_buffer_;  // emit()'s input ids, reused across nodes
};

}  // namespace pinas::spaces::detail
