#include "train/supernet/darts_supernet.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>

#include "proto/error.h"
#include "train/detail/convolution_layers.h"

namespace pinas::train::supernet {
namespace {

using train::detail::ConvolutionGeometry;
using train::detail::ConvolutionLayerImpl;
using train::detail::LinearLayerImpl;

void check_options(const DartsSupernetOptions& options) {
  if (options.cells < 1)
    throw Error("supernet: cells must be at least 1, is " + std::to_string(options.cells));
  if (options.channels < 2)
    throw Error("supernet: channels must be at least 2, is " + std::to_string(options.channels));
  if (options.stem_multiplier < 1) throw Error("supernet: stem_multiplier must be at least 1");
  if (options.input_channels < 1 || options.input_height < 1 || options.input_width < 1 ||
      options.num_classes < 2)
    throw Error("supernet: the input shape must be positive and there must be at least 2 classes");
  std::set<int> seen;
  for (int position : options.reduction_positions) {
    if (position < 0 || position >= options.cells || !seen.insert(position).second)
      throw Error("supernet: reduction position " + std::to_string(position) + " is outside [0, " +
                  std::to_string(options.cells) + ") or repeated");
  }
}

}  // namespace

DartsSupernetImpl::DartsSupernetImpl(const DartsSupernetOptions& options, uint64_t seed)
    : options_(options) {
  check_options(options_);
  auto generator = at::detail::createCPUGenerator(seed);
  const int64_t stem_channels = options_.stem_multiplier * options_.channels;
  stem_ = register_module(
      "stem", std::make_shared<ConvolutionLayerImpl>(
                  ConvolutionGeometry{options_.input_channels, stem_channels, 3, 1, 1, 1, 1, false},
                  generator));
  stem_norm_ = register_module("stem_bn", detail::SynchronizedBatchNorm2d(stem_channels));

  int64_t channels_pp = stem_channels, channels_p = stem_channels, channels = options_.channels;
  bool previous_reduction = false;
  for (int k = 0; k < options_.cells; ++k) {
    Cell cell;
    cell.reduction =
        std::find(options_.reduction_positions.begin(), options_.reduction_positions.end(), k) !=
        options_.reduction_positions.end();
    if (cell.reduction) channels *= 2;
    const std::string prefix = "cell" + std::to_string(k) + "_";
    cell.preprocess0 =
        register_module(prefix + "preprocess0",
                        detail::ChannelProjection(channels_pp, channels, previous_reduction ? 2 : 1,
                                                  options_.op_style, /*affine=*/false, generator));
    cell.preprocess1 =
        register_module(prefix + "preprocess1",
                        detail::ChannelProjection(channels_p, channels, 1, options_.op_style,
                                                  /*affine=*/false, generator));
    for (int node = 0; node < kNodes; ++node) {
      for (int input = 0; input < node + 2; ++input) {
        const int stride = cell.reduction && input < 2 ? 2 : 1;
        cell.edges.push_back(register_module(
            prefix + "edge" + std::to_string(cell.edges.size()),
            detail::MixedOperation(channels, stride, options_.op_style, generator)));
      }
    }
    cell.merge = register_module(
        prefix + "merge",
        std::make_shared<ConvolutionLayerImpl>(
            ConvolutionGeometry{kNodes * channels, channels, 1, 1, 0, 1, 1, false}, generator));
    cell.merge_norm =
        register_module(prefix + "merge_bn", detail::SynchronizedBatchNorm2d(channels));
    cells_.push_back(std::move(cell));
    channels_pp = channels_p;
    channels_p = channels;
    previous_reduction = cells_.back().reduction;
  }
  classifier_ = register_module(
      "classifier",
      std::make_shared<LinearLayerImpl>(channels_p, options_.num_classes, true, generator));
  torch::NoGradGuard no_grad;
  alpha_normal_ =
      register_parameter("alpha_normal", torch::randn({kEdges, detail::kMixedOpCount}, generator) *
                                             options_.alpha_init_scale);
  alpha_reduce_ =
      register_parameter("alpha_reduce", torch::randn({kEdges, detail::kMixedOpCount}, generator) *
                                             options_.alpha_init_scale);
}

std::vector<torch::Tensor> DartsSupernetImpl::weight_parameters() {
  std::vector<torch::Tensor> weights;
  for (const auto& item : named_parameters()) {
    if (item.key() != "alpha_normal" && item.key() != "alpha_reduce")
      weights.push_back(item.value());
  }
  return weights;
}

torch::Tensor DartsSupernetImpl::run_cell(Cell& cell, const torch::Tensor& s0,
                                          const torch::Tensor& s1, const torch::Tensor& weights) {
  std::vector<torch::Tensor> states{cell.preprocess0->forward(s0), cell.preprocess1->forward(s1)};
  size_t edge = 0;
  for (int node = 0; node < kNodes; ++node) {
    torch::Tensor sum;
    for (int input = 0; input < node + 2; ++input, ++edge) {
      auto term = cell.edges[edge]->forward(states[static_cast<size_t>(input)],
                                            weights[static_cast<int64_t>(edge)]);
      sum = sum.defined() ? sum + term : term;
    }
    states.push_back(sum);
  }
  auto merged = torch::relu(torch::cat({states[2], states[3], states[4], states[5]}, 1));
  return cell.merge_norm->forward(static_cast<ConvolutionLayerImpl&>(*cell.merge).forward(merged));
}

torch::Tensor DartsSupernetImpl::forward(const torch::Tensor& input) {
  if (input.dim() != 4 || input.size(1) != options_.input_channels)
    throw Error("supernet: input must be N x " + std::to_string(options_.input_channels) +
                " x H x W");
  auto stem = stem_norm_->forward(static_cast<ConvolutionLayerImpl&>(*stem_).forward(input));
  auto normal = torch::softmax(alpha_normal_, -1);
  auto reduce = torch::softmax(alpha_reduce_, -1);
  torch::Tensor s0 = stem, s1 = stem;
  for (Cell& cell : cells_) {
    auto out = run_cell(cell, s0, s1, cell.reduction ? reduce : normal);
    s0 = s1;
    s1 = out;
  }
  return static_cast<LinearLayerImpl&>(*classifier_)
      .forward(s1.mean({2, 3}, /*keepdim=*/true))
      .flatten(1);
}

namespace {

// Per node the 2 incoming edges whose best op (never none, never a struck
// op) has the largest alpha; `struck[edge][op]` removes an op from the race.
pb::SphynxCell derive_top_two(const torch::TensorAccessor<double, 2>& at,
                              const std::vector<std::vector<bool>>& struck,
                              std::vector<int>& chosen_edges) {
  pb::SphynxCell cell;
  chosen_edges.clear();
  int edge = 0;
  for (int node = 0; node < DartsSupernetImpl::kNodes; ++node) {
    struct Choice {
      int input;
      int edge;
      int op;
      double strength;
    };
    std::vector<Choice> choices;
    for (int input = 0; input < node + 2; ++input, ++edge) {
      Choice best{input, edge, -1, -std::numeric_limits<double>::infinity()};
      for (int op = 1; op < detail::kMixedOpCount; ++op) {
        if (struck[edge][op]) continue;
        if (best.op < 0 || at[edge][op] > best.strength) best = {input, edge, op, at[edge][op]};
      }
      // An edge with every op struck (only skips can be, so never with 6
      // ops) would have op -1; it sorts last and is never among the top 2.
      choices.push_back(best);
    }
    std::stable_sort(choices.begin(), choices.end(), [](const Choice& a, const Choice& b) {
      if ((a.op < 0) != (b.op < 0)) return b.op < 0;
      return a.strength > b.strength;
    });
    std::sort(choices.begin(), choices.begin() + 2,
              [](const Choice& a, const Choice& b) { return a.input < b.input; });
    auto& out = *cell.add_nodes();
    out.mutable_first()->set_input(choices[0].input);
    out.mutable_first()->set_op(static_cast<pb::SphynxOp>(choices[0].op - 1));
    out.mutable_second()->set_input(choices[1].input);
    out.mutable_second()->set_op(static_cast<pb::SphynxOp>(choices[1].op - 1));
    chosen_edges.push_back(choices[0].edge);
    chosen_edges.push_back(choices[1].edge);
  }
  return cell;
}

}  // namespace

pb::SphynxCell DartsSupernetImpl::derive_cell(const torch::Tensor& alpha, int max_skips) {
  if (alpha.dim() != 2 || alpha.size(0) != kEdges || alpha.size(1) != detail::kMixedOpCount)
    throw Error("supernet: alpha must be 14 x 7 to derive a cell");
  auto values = alpha.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const auto at = values.accessor<double, 2>();
  std::vector<std::vector<bool>> struck(kEdges, std::vector<bool>(detail::kMixedOpCount, false));
  constexpr int kSkipColumn = pb::SPHYNX_SKIP + 1;  // column 0 is none
  std::vector<int> chosen_edges;
  while (true) {
    auto cell = derive_top_two(at, struck, chosen_edges);
    if (max_skips < 0) return cell;
    // The chosen skips, in the cell's edge order, with their edge index.
    int skips = 0, weakest_edge = -1;
    for (int n = 0; n < kNodes; ++n) {
      for (int e = 0; e < 2; ++e) {
        const auto& edge = e == 0 ? cell.nodes(n).first() : cell.nodes(n).second();
        if (edge.op() != pb::SPHYNX_SKIP) continue;
        ++skips;
        const int index = chosen_edges[static_cast<size_t>(2 * n + e)];
        if (weakest_edge < 0 || at[index][kSkipColumn] < at[weakest_edge][kSkipColumn])
          weakest_edge = index;
      }
    }
    if (skips <= max_skips) return cell;
    // Terminates: each pass strikes one more of the 14 skip entries.
    struck[static_cast<size_t>(weakest_edge)][kSkipColumn] = true;
  }
}

pb::SphynxGenotype DartsSupernetImpl::derive_cells(int max_normal_skips) const {
  pb::SphynxGenotype genotype;
  *genotype.mutable_normal() = derive_cell(alpha_normal_, max_normal_skips);
  *genotype.mutable_reduction() = derive_cell(alpha_reduce_);
  return genotype;
}

pb::SphynxGenotype DartsSupernetImpl::derive_cells(const std::vector<double>& alpha_normal,
                                                   const std::vector<double>& alpha_reduce,
                                                   int max_normal_skips) {
  const size_t size = static_cast<size_t>(kEdges) * detail::kMixedOpCount;
  if (alpha_normal.size() != size || alpha_reduce.size() != size)
    throw Error(
        fmt::format("supernet: recorded alphas must have {} values each (14 x 7), not {} "
                    "and {}",
                    size, alpha_normal.size(), alpha_reduce.size()));
  auto as_tensor = [](const std::vector<double>& values) {
    return torch::tensor(values, torch::kDouble).reshape({kEdges, detail::kMixedOpCount});
  };
  pb::SphynxGenotype genotype;
  *genotype.mutable_normal() = derive_cell(as_tensor(alpha_normal), max_normal_skips);
  *genotype.mutable_reduction() = derive_cell(as_tensor(alpha_reduce));
  return genotype;
}

}  // namespace pinas::train::supernet
