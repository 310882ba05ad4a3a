#include "tests/pi/detail/random_model.h"

#include <cmath>
#include <random>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::pi::testing {

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

}  // namespace

pb::Model random_model(const pb::Architecture& proto, const RandomModelOptions& options) {
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
        if (options.relu_masks) {
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

std::vector<float> random_pixels(const pb::Model& model, std::uint64_t seed) {
  std::int64_t count = 1;
  for (const auto& node : model.architecture().nodes()) {
    if (node.op() == pb::INPUT) {
      count = node.input_shape().channels() * node.input_shape().height() * node.input_shape().width();
    }
  }
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<float> distribution(0.0f, 1.0f);
  std::vector<float> pixels(static_cast<std::size_t>(count));
  for (auto& pixel : pixels) pixel = distribution(random);
  return pixels;
}

pb::Architecture mixed_architecture(int channels, int size, bool polynomial) {
  pb::Architecture architecture;
  architecture.set_name("mixed");
  architecture.set_num_classes(10);
  auto add = [&](const std::string& name, pb::OpType op, std::vector<std::string> inputs) {
    pb::Node* node = architecture.add_nodes();
    node->set_name(name);
    node->set_op(op);
    for (auto& input : inputs) node->add_inputs(input);
    return node;
  };
  auto* input = add("input", pb::INPUT, {});
  input->mutable_input_shape()->set_channels(channels);
  input->mutable_input_shape()->set_height(size);
  input->mutable_input_shape()->set_width(size);
  auto* stem = add("stem", pb::CONV, {"input"});
  stem->set_out_channels(4);
  stem->set_kernel(3);
  stem->set_padding(1);
  add("stem_bn", pb::BATCH_NORM, {"stem"});
  add("stem_relu", pb::RELU, {"stem_bn"});
  auto* conv = add("conv", pb::CONV, {"stem_relu"});
  conv->set_out_channels(4);
  conv->set_kernel(3);
  conv->set_padding(2);
  conv->set_dilation(2);
  conv->set_bias(true);
  add("residual", pb::ADD, {"conv", "stem_relu"});
  add(polynomial ? "activation" : "activation", polynomial ? pb::POLYNOMIAL : pb::RELU, {"residual"});
  if (polynomial) {
    architecture.mutable_nodes(architecture.nodes_size() - 1)->add_coefficients(0.25);
    architecture.mutable_nodes(architecture.nodes_size() - 1)->add_coefficients(0.5);
    architecture.mutable_nodes(architecture.nodes_size() - 1)->add_coefficients(0.125);
  }
  auto* max_pool = add("max_pool", pb::MAX_POOL, {"activation"});
  max_pool->set_kernel(3);
  max_pool->set_stride(2);
  max_pool->set_padding(1);
  auto* avg_pool = add("avg_pool", pb::AVG_POOL, {"activation"});
  avg_pool->set_kernel(3);
  avg_pool->set_stride(2);
  avg_pool->set_padding(1);
  add("concat", pb::CONCAT, {"max_pool", "avg_pool"});
  auto* separable = add("separable", pb::SEPARABLE_CONV, {"concat"});
  separable->set_out_channels(6);
  separable->set_kernel(3);
  separable->set_padding(1);
  auto* grouped = add("grouped", pb::CONV, {"concat"});
  grouped->set_out_channels(6);
  grouped->set_kernel(1);
  grouped->set_groups(2);
  add("sum", pb::ADD, {"separable", "grouped"});
  add("bn", pb::BATCH_NORM, {"sum"});
  add("relu", pb::RELU, {"bn"});
  auto* pool2 = add("pool2", pb::AVG_POOL, {"relu"});
  pool2->set_kernel(2);
  pool2->set_stride(2);
  add("gap", pb::GLOBAL_AVG_POOL, {"pool2"});
  add("flatten", pb::FLATTEN, {"gap"});
  auto* fc = add("fc", pb::LINEAR, {"flatten"});
  fc->set_out_channels(10);
  fc->set_bias(true);
  add("output", pb::OUTPUT, {"fc"});
  return architecture;
}

}  // namespace pinas::pi::testing
