#include "tests/pi/detail/random_model.h"

#include <random>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::pi::testing {

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
