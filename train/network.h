#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::train {

namespace detail {
class MixedActivationLayerImpl;
}

// A RELU node of a Network: its name, input shape and mixed-activation layer
// (train/detail/mixed_activation_layer.h), for the ReLU-reduction methods.
struct ActivationSite {
  std::string node;
  spaces::Shape shape;
  std::shared_ptr<detail::MixedActivationLayerImpl> layer;
};

// One tensor of one IR node under its model-file role (proto/model.proto):
// "weight", "bias", "depthwise_weight", "pointwise_weight", "running_mean",
// "running_var", "mask", "coefficients".
struct NodeTensor {
  std::string node;
  std::string role;
  torch::Tensor tensor;  // shares storage with the module
};

// An IR architecture as a LibTorch module. Every IR op is covered; tensors
// are N×C×H×W throughout (after FLATTEN and LINEAR, H = W = 1), and forward()
// returns the OUTPUT node's tensor flattened to N×classes.
//
// Parameter names of the per-node submodules are the model file's roles, so a
// network exports to and imports from pb::Model without translation. RELU
// nodes are mixed activations (a per-element mask, 1 = ReLU and 0 = replaced,
// and a per-channel replacement polynomial, both taken from the IR node) and
// count the ReLUs they execute.
//
// Thread-safety: a Network is used by one thread at a time (like any module).
class NetworkImpl : public torch::nn::Module {
 public:
  // Builds the network for `architecture`, validated and shape-checked by
  // spaces::analyze(). Weights are initialized like torch.nn's defaults from
  // a generator seeded with `seed` (BN: weight 1, bias 0), so the same seed
  // gives the same weights on any thread. Throws spaces::GraphError for an
  // invalid architecture.
  explicit NetworkImpl(const spaces::Architecture& architecture, uint64_t seed = 0,
                       double batch_norm_epsilon = 1e-5);

  // Requires input N×C×H×W with the INPUT node's C×H×W (throws pinas::Error
  // naming the shapes otherwise). Returns N×(OUTPUT channels·H·W).
  torch::Tensor forward(const torch::Tensor& input);

  // Every node's output, indexed by NodeId (for shape checks and inspection).
  std::vector<torch::Tensor> forward_all(const torch::Tensor& input);

  const spaces::Architecture& architecture() const { return architecture_; }
  const spaces::CostReport& cost_report() const { return cost_report_; }
  double batch_norm_epsilon() const { return batch_norm_epsilon_; }

  // Trainable weights and biases as the IR counts them (spaces::analyze's
  // params): convolutions, linear layers and batch-norm affine parameters;
  // polynomial coefficients are not counted.
  int64_t weight_count() const;

  // ReLUs per example executed by the last forward call, summed over the RELU
  // nodes (masked-out elements are not ReLUs).
  int64_t last_relus_per_example() const;

  // Installs a per-element mask on RELU node `node` (C×H×W of 0/1) or, with
  // an undefined tensor, makes every element a ReLU again. Throws
  // pinas::Error naming the node if it is not a RELU or the shape is wrong.
  void set_relu_mask(const std::string& node, const torch::Tensor& mask);

  // Every RELU node's activation layer, in topological order.
  std::vector<ActivationSite> activation_sites();

  // The architecture with every RELU's current mask and replacement written
  // into its IR node (what an export records): a mask only where some element
  // is replaced, a replacement only with a mask.
  spaces::Architecture current_architecture() const;

  // Every parameter and meaningful buffer by node and role, in topological
  // order. A RELU node's "mask" appears only once one was installed.
  std::vector<NodeTensor> node_tensors();

  // Copies `value` into the tensor of `node` with `role` (a "mask" is
  // installed). Throws pinas::Error naming node and role for an unknown
  // node or role, or a shape mismatch.
  void load_node_tensor(const std::string& node, const std::string& role, const torch::Tensor& value);

  // The name of node `node`'s submodule (its parameters are
  // "<submodule>.<role>" in named_parameters() and in archives).
  static std::string submodule_name(const std::string& node);

 private:
  struct Step {
    spaces::NodeId id = 0;
    spaces::Node node;
    std::vector<spaces::NodeId> inputs;
    std::shared_ptr<torch::nn::Module> layer;  // null for parameter-free ops
    // torch's batch norm derives virtually from Module: kept typed as well.
    std::shared_ptr<torch::nn::BatchNorm2dImpl> batch_norm;
  };

  torch::Tensor run_step(const Step& step, const std::vector<torch::Tensor>& outputs) const;
  Step& step_for(const std::string& node);

  spaces::Architecture architecture_;
  spaces::CostReport cost_report_;
  double batch_norm_epsilon_;
  std::vector<Step> steps_;  // topological order
  std::map<std::string, size_t> step_index_;
  spaces::NodeId output_id_ = 0;
  spaces::Shape input_shape_;
};
TORCH_MODULE(Network);

}  // namespace pinas::train
