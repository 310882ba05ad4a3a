#include "tests/pi/detail/float_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::pi::testing {

namespace {

using Tensor = std::vector<double>;

std::vector<double> parameter(const pb::Model& model, const std::string& node, const std::string& role) {
  for (const auto& parameters : model.parameters()) {
    if (parameters.node() != node) continue;
    auto found = parameters.tensors().find(role);
    if (found != parameters.tensors().end()) {
      return std::vector<double>(found->second.values().begin(), found->second.values().end());
    }
  }
  return {};
}

Tensor conv(const Tensor& in, spaces::Shape is, spaces::Shape os, const std::vector<double>& w, int k,
            int stride, int padding, int dilation, int groups) {
  Tensor out(static_cast<std::size_t>(os.elements()), 0.0);
  std::int64_t ipg = is.channels / groups, opg = os.channels / groups;
  for (std::int64_t o = 0; o < os.channels; ++o) {
    std::int64_t g = o / opg;
    for (std::int64_t y = 0; y < os.height; ++y) {
      for (std::int64_t x = 0; x < os.width; ++x) {
        double sum = 0;
        for (std::int64_t c = 0; c < ipg; ++c) {
          for (int ky = 0; ky < k; ++ky) {
            for (int kx = 0; kx < k; ++kx) {
              std::int64_t iy = y * stride - padding + ky * dilation;
              std::int64_t ix = x * stride - padding + kx * dilation;
              if (iy < 0 || ix < 0 || iy >= is.height || ix >= is.width) continue;
              sum += w[((o * ipg + c) * k + ky) * k + kx] * in[((g * ipg + c) * is.height + iy) * is.width + ix];
            }
          }
        }
        out[(o * os.height + y) * os.width + x] = sum;
      }
    }
  }
  return out;
}

void add_bias(Tensor& t, spaces::Shape s, const std::vector<double>& bias) {
  if (bias.empty()) return;
  std::int64_t plane = s.height * s.width;
  for (std::int64_t i = 0; i < s.elements(); ++i) t[i] += bias[i / plane];
}

}  // namespace

std::vector<double> evaluate_float(const pb::Model& model, const std::vector<float>& pixels) {
  auto architecture = spaces::Architecture::from_proto(model.architecture());
  auto shapes = spaces::infer_shapes(architecture);
  std::map<spaces::NodeId, Tensor> values;
  Tensor result;
  for (auto id : architecture.topological_order()) {
    const auto& node = architecture.node(id);
    auto inputs = architecture.inputs(id);
    spaces::Shape os = shapes[id];
    spaces::Shape is = inputs.empty() ? spaces::Shape{} : shapes[inputs[0]];
    const Tensor* in = inputs.empty() ? nullptr : &values[inputs[0]];
    Tensor out;
    std::int64_t plane = is.height * is.width;
    switch (node.op) {
      case spaces::OpType::Input: {
        out.assign(pixels.begin(), pixels.end());
        const auto& n = model.input_normalization();
        if (n.mean_size() > 0) {
          for (std::size_t i = 0; i < out.size(); ++i) {
            std::size_t c = i / static_cast<std::size_t>(os.height * os.width);
            out[i] = (out[i] - n.mean(static_cast<int>(c))) / n.std(static_cast<int>(c));
          }
        }
        break;
      }
      case spaces::OpType::Conv:
        out = conv(*in, is, os, parameter(model, node.name, "weight"), node.kernel, node.effective_stride(),
                   node.padding, node.effective_dilation(), node.effective_groups());
        add_bias(out, os, parameter(model, node.name, "bias"));
        break;
      case spaces::OpType::SeparableConv: {
        spaces::Shape mid{is.channels, os.height, os.width};
        Tensor depthwise = conv(*in, is, mid, parameter(model, node.name, "depthwise_weight"), node.kernel,
                                node.effective_stride(), node.padding, node.effective_dilation(),
                                static_cast<int>(is.channels));
        out = conv(depthwise, mid, os, parameter(model, node.name, "pointwise_weight"), 1, 1, 0, 1, 1);
        add_bias(out, os, parameter(model, node.name, "bias"));
        break;
      }
      case spaces::OpType::Linear: {
        spaces::Shape flat{is.elements(), 1, 1};
        out = conv(*in, flat, os, parameter(model, node.name, "weight"), 1, 1, 0, 1, 1);
        add_bias(out, os, parameter(model, node.name, "bias"));
        break;
      }
      case spaces::OpType::BatchNorm: {
        auto gamma = parameter(model, node.name, "weight"), beta = parameter(model, node.name, "bias");
        auto mean = parameter(model, node.name, "running_mean"), var = parameter(model, node.name, "running_var");
        double eps = model.batch_norm_epsilon() > 0 ? model.batch_norm_epsilon() : 1e-5;
        out = *in;
        for (std::int64_t i = 0; i < is.elements(); ++i) {
          std::int64_t c = i / plane;
          out[i] = (out[i] - mean[c]) / std::sqrt(var[c] + eps) * gamma[c] + beta[c];
        }
        break;
      }
      case spaces::OpType::ReLU: {
        // The IR's mixed activation, or (older files) a "mask" tensor.
        auto mask = parameter(model, node.name, "mask");
        if (!node.relu_mask.empty()) mask.assign(node.relu_mask.begin(), node.relu_mask.end());
        const std::int64_t plane = is.height * is.width;
        out = *in;
        for (std::size_t i = 0; i < out.size(); ++i) {
          if (mask.empty() || mask[i] != 0) {
            out[i] = std::max(out[i], 0.0);
          } else {
            const auto c = static_cast<std::int64_t>(i) / plane;
            const double x = out[i];
            out[i] = node.replacement_coefficient(c, 0) + node.replacement_coefficient(c, 1) * x +
                     node.replacement_coefficient(c, 2) * x * x;
          }
        }
        break;
      }
      case spaces::OpType::Polynomial: {
        auto coefficients = parameter(model, node.name, "coefficients");
        if (coefficients.empty()) coefficients = node.coefficients;
        out = *in;
        for (auto& v : out) {
          double x = v, sum = 0, power = 1;
          for (double c : coefficients) {
            sum += c * power;
            power *= x;
          }
          v = sum;
        }
        break;
      }
      case spaces::OpType::Identity:
      case spaces::OpType::Flatten:
        out = *in;
        break;
      case spaces::OpType::Zero:
        out.assign(static_cast<std::size_t>(os.elements()), 0.0);
        break;
      case spaces::OpType::AvgPool:
      case spaces::OpType::MaxPool:
      case spaces::OpType::GlobalAvgPool: {
        bool global = node.op == spaces::OpType::GlobalAvgPool;
        bool max = node.op == spaces::OpType::MaxPool;
        int kh = global ? static_cast<int>(is.height) : node.kernel;
        int kw = global ? static_cast<int>(is.width) : node.kernel;
        int stride = global ? 1 : node.effective_stride(), padding = global ? 0 : node.padding;
        out.assign(static_cast<std::size_t>(os.elements()), 0.0);
        for (std::int64_t c = 0; c < os.channels; ++c) {
          for (std::int64_t y = 0; y < os.height; ++y) {
            for (std::int64_t x = 0; x < os.width; ++x) {
              double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
              for (int ky = 0; ky < kh; ++ky) {
                for (int kx = 0; kx < kw; ++kx) {
                  std::int64_t iy = y * stride - padding + ky, ix = x * stride - padding + kx;
                  if (iy < 0 || ix < 0 || iy >= is.height || ix >= is.width) continue;
                  double v = (*in)[(c * is.height + iy) * is.width + ix];
                  acc = max ? std::max(acc, v) : acc + v;
                }
              }
              out[(c * os.height + y) * os.width + x] = max ? acc : acc / (kh * kw);
            }
          }
        }
        break;
      }
      case spaces::OpType::Add:
        out.assign(static_cast<std::size_t>(os.elements()), 0.0);
        for (auto input : inputs) {
          for (std::size_t i = 0; i < out.size(); ++i) out[i] += values[input][i];
        }
        break;
      case spaces::OpType::Concat:
        for (auto input : inputs) out.insert(out.end(), values[input].begin(), values[input].end());
        break;
      case spaces::OpType::Output:
        result = *in;
        out = *in;
        break;
      default:
        break;
    }
    values[id] = std::move(out);
  }
  return result;
}

}  // namespace pinas::pi::testing
