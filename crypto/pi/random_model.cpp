#include "crypto/pi/random_model.h"

#include <cmath>
#include <random>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::pi {

namespace {

void fill(pb::Tensor& tensor, std::vector<std::int64_t> shape, std::mt19937_64& random, double low,
          double high) {
  std::uniform_real_distribution<double> distribution(low, high);
  std::int64_t count = 1;
  for (auto size : shape) {
    tensor.add_shape(size);
    count *= size;
  }
  for (std::int64_t i = 0; i < count; ++i) tensor.add_values(static_cast<float>(distribution(random)));
}

// The position of node `name` in the serialized architecture.
std::size_t node_index(const pb::Architecture& architecture, const std::string& name) {
  for (int i = 0; i < architecture.nodes_size(); ++i) {
    if (architecture.nodes(i).name() == name) return static_cast<std::size_t>(i);
  }
  return 0;
}

}  // namespace

pb::Model random_weight_model(const pb::Architecture& proto, const RandomModelOptions& options) {
  auto architecture = spaces::Architecture::from_proto(proto);
  auto shapes = spaces::infer_shapes(architecture);
  std::mt19937_64 random(options.seed);
  pb::Model model;
  *model.mutable_architecture() = proto;
  model.set_batch_norm_epsilon(1e-5);
  for (spaces::NodeId id = 0; id < architecture.num_nodes(); ++id) {
    const auto& node = architecture.node(id);
    auto inputs = architecture.inputs(id);
    spaces::Shape in = inputs.empty() ? spaces::Shape{} : shapes[inputs[0]];
    spaces::Shape out = shapes[id];
    pb::NodeParameters parameters;
    parameters.set_node(node.name);
    auto& tensors = *parameters.mutable_tensors();
    switch (node.op) {
      case spaces::OpType::Conv: {
        std::int64_t per_group = in.channels / node.effective_groups();
        double bound = std::sqrt(3.0 / static_cast<double>(per_group * node.kernel * node.kernel));
        fill(tensors["weight"], {out.channels, per_group, node.kernel, node.kernel}, random, -bound, bound);
        if (node.bias) fill(tensors["bias"], {out.channels}, random, -0.1, 0.1);
        break;
      }
      case spaces::OpType::SeparableConv: {
        double depthwise = std::sqrt(3.0 / static_cast<double>(node.kernel * node.kernel));
        fill(tensors["depthwise_weight"], {in.channels, 1, node.kernel, node.kernel}, random,
             -depthwise, depthwise);
        double pointwise = std::sqrt(3.0 / static_cast<double>(in.channels));
        fill(tensors["pointwise_weight"], {out.channels, in.channels, 1, 1}, random, -pointwise, pointwise);
        if (node.bias) fill(tensors["bias"], {out.channels}, random, -0.1, 0.1);
        break;
      }
      case spaces::OpType::Linear: {
        std::int64_t fan_in = in.elements();
        double bound = std::sqrt(3.0 / static_cast<double>(fan_in));
        fill(tensors["weight"], {node.out_channels, fan_in}, random, -bound, bound);
        if (node.bias) fill(tensors["bias"], {node.out_channels}, random, -0.1, 0.1);
        break;
      }
      case spaces::OpType::BatchNorm:
        if (options.batch_norm_random) {
          fill(tensors["weight"], {out.channels}, random, 0.5, 1.5);
          fill(tensors["bias"], {out.channels}, random, -0.2, 0.2);
          fill(tensors["running_mean"], {out.channels}, random, -0.2, 0.2);
          fill(tensors["running_var"], {out.channels}, random, 0.5, 1.5);
        } else {
          fill(tensors["weight"], {out.channels}, random, 1, 1);
          fill(tensors["bias"], {out.channels}, random, 0, 0);
          fill(tensors["running_mean"], {out.channels}, random, 0, 0);
          fill(tensors["running_var"], {out.channels}, random, 1, 1);
        }
        break;
      case spaces::OpType::ReLU:
        if (options.mixed_activations) {
          // In the IR: about a third ReLUs; channels cycle through a quadratic,
          // an affine and the identity replacement (all three kinds per layer).
          auto* ir_node = model.mutable_architecture()->mutable_nodes(static_cast<int>(node_index(proto, node.name)));
          std::string mask;
          std::bernoulli_distribution coin(1.0 / 3.0);
          for (std::int64_t i = 0; i < out.elements(); ++i) mask.push_back(coin(random) ? 1 : 0);
          ir_node->set_relu_mask(mask);
          std::uniform_real_distribution<double> coefficient(-0.3, 0.3);
          for (std::int64_t c = 0; c < out.channels; ++c) {
            const int kind = static_cast<int>(c % 3);
            ir_node->add_replacement(kind == 2 ? 0.0 : 0.2 + coefficient(random));
            ir_node->add_replacement(kind == 2 ? 1.0 : 0.5 + coefficient(random));
            ir_node->add_replacement(kind == 0 ? 0.2 + coefficient(random) : 0.0);
          }
        } else if (options.relu_masks) {
          auto& mask = tensors["mask"];
          for (auto size : {out.channels, out.height, out.width}) mask.add_shape(size);
          std::bernoulli_distribution coin(0.5);
          for (std::int64_t i = 0; i < out.elements(); ++i) mask.add_values(coin(random) ? 1.0f : 0.0f);
        }
        break;
      default:
        break;
    }
    if (!tensors.empty()) *model.add_parameters() = std::move(parameters);
  }
  return model;
}

}  // namespace pinas::pi
