#pragma once

#include <map>
#include <string>
#include <vector>

#include "crypto/pi/fixed_point_network.h"
#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/fixed_point_rules.h"

namespace pinas::pi {

// The scale rules shared with the cost model (search_spaces/fixed_point_rules.h),
// for `config`. Used by every part of the compiler (network_compiler*.cpp).
inline spaces::FixedPointRules rules_of(const FixedPointConfig& config) {
  return {static_cast<int>(config.fractional_bits),
          static_cast<int>(config.effective_scale_limit()), config.relu_mode == ReluMode::kCirca};
}

// Lowers a pb::Model to a FixedPointNetwork (see FixedPointNetwork::compile).
// Single use; not thread-safe.
class NetworkCompiler {
 public:
  NetworkCompiler(const pb::Model& model, const FixedPointConfig& config, bool structure_only);
  FixedPointNetwork run();

 private:
  struct FloatLayer {  // a linear layer in floating point before quantization
    ConvGeometry geometry;
    std::vector<double> weights;
    std::vector<double> bias;  // empty: none
  };

  std::uint32_t new_tensor(spaces::Shape shape, std::uint32_t scale);
  void add_step(const std::string& node, std::vector<std::uint32_t> inputs, std::uint32_t output,
                StepOp op);
  // `tensor` itself, or a copy truncated to scale f when scale + growth would
  // exceed the scale limit (memoized per tensor).
  std::uint32_t fit_scale(const std::string& node, std::uint32_t tensor, std::uint32_t growth);
  std::uint32_t truncated(const std::string& node, std::uint32_t tensor);
  std::uint32_t input_of(spaces::NodeId id, std::size_t index) const;
  const pb::Tensor* find_tensor(const std::string& node, const std::string& role) const;
  std::vector<double> tensor_values(const std::string& node, const std::string& role,
                                    const std::vector<std::int64_t>& shape,
                                    bool optional = false) const;
  // Folds a following BATCH_NORM into `layer` when it is the only consumer.
  // Returns the node whose tensor the layer's output becomes.
  spaces::NodeId fold_batch_norm(spaces::NodeId id, FloatLayer& layer);
  std::uint32_t emit_linear(const std::string& node, std::uint32_t input, FloatLayer layer);

  void compile_conv(spaces::NodeId id);
  void compile_separable(spaces::NodeId id);
  void compile_linear(spaces::NodeId id);
  void compile_batch_norm(spaces::NodeId id);
  void compile_relu(spaces::NodeId id);
  void compile_polynomial(spaces::NodeId id);
  void compile_pool(spaces::NodeId id, bool global);
  void compile_max_pool(spaces::NodeId id);
  void compile_merge(spaces::NodeId id, bool concat);

  const pb::Model& model_;
  FixedPointConfig config_;
  bool structure_only_;
  spaces::Architecture architecture_;
  std::vector<spaces::Shape> shapes_;
  std::map<std::string, const pb::NodeParameters*> parameters_;
  std::map<spaces::NodeId, std::uint32_t> node_tensor_;
  std::map<std::uint32_t, std::uint32_t> truncated_;
  FixedPointNetwork network_;
  bool has_input_ = false, has_output_ = false;
};

}  // namespace pinas::pi
