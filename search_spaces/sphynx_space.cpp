#include "search_spaces/sphynx_space.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "search_spaces/detail/network_builder.h"
#include "search_spaces/detail/space_helpers.h"

namespace pinas::spaces {
namespace {

constexpr int kNodes = 4;
constexpr int kNumOps = 6;
constexpr std::array<std::string_view, kNumOps> kOpNames{
    "avg_pool_3x3", "skip", "conv_3x3", "conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};
constexpr std::array<int, 3> kCellChoices{5, 8, 11};
constexpr std::array<std::int64_t, 4> kChannelChoices{8, 16, 24, 32};
constexpr int kMaxCells = 64;
constexpr std::int64_t kMaxChannels = 65536;

using detail::NetworkBuilder;
using detail::Tensor;

// Node i's edge input is in [0, i + 2).
int input_choices(int node) { return node + 2; }

const pb::SphynxEdge& edge_of(const pb::SphynxCell& cell, int node, int which) {
  return which == 0 ? cell.nodes(node).first() : cell.nodes(node).second();
}
pb::SphynxEdge& mutable_edge(pb::SphynxCell& cell, int node, int which) {
  return which == 0 ? *cell.mutable_nodes(node)->mutable_first()
                    : *cell.mutable_nodes(node)->mutable_second();
}

void sample_cell(pb::SphynxCell& cell, std::mt19937_64& random) {
  for (int i = 0; i < kNodes; ++i) {
    auto& node = *cell.add_nodes();
    for (auto* edge : {node.mutable_first(), node.mutable_second()}) {
      edge->set_input(static_cast<int>(detail::uniform(random, 0, input_choices(i) - 1)));
      edge->set_op(static_cast<pb::SphynxOp>(detail::uniform(random, 0, kNumOps - 1)));
    }
  }
}

void check_cell(const pb::SphynxCell& cell, std::string_view which) {
  if (cell.nodes_size() != kNodes) {
    throw SpaceError(fmt::format("sphynx: {}.nodes must have 4 entries, has {}", which, cell.nodes_size()));
  }
  for (int i = 0; i < kNodes; ++i) {
    for (int e = 0; e < 2; ++e) {
      const auto& edge = edge_of(cell, i, e);
      const char* field = e == 0 ? "first" : "second";
      if (edge.input() < 0 || edge.input() >= input_choices(i)) {
        throw SpaceError(fmt::format("sphynx: {}.nodes[{}].{}.input must be in [0, {}), is {}", which,
                                     i, field, input_choices(i), edge.input()));
      }
      if (!pb::SphynxOp_IsValid(edge.op())) {
        throw SpaceError(fmt::format("sphynx: {}.nodes[{}].{}.op: unknown op {}", which, i, field,
                                     static_cast<int>(edge.op())));
      }
    }
  }
}

std::string describe_cell(const pb::SphynxCell& cell) {
  std::string text;
  for (int i = 0; i < kNodes; ++i) {
    if (i > 0) text += '|';
    text += fmt::format("{}~{},{}~{}", kOpNames[cell.nodes(i).first().op()], cell.nodes(i).first().input(),
                        kOpNames[cell.nodes(i).second().op()], cell.nodes(i).second().input());
  }
  return text;
}

void parse_edge(std::string_view text, pb::SphynxEdge& edge) {
  const auto parts = detail::split(text, '~');
  if (parts.size() != 2) throw SpaceError(fmt::format("sphynx: '{}' is not op~input", text));
  const auto op = std::find(kOpNames.begin(), kOpNames.end(), parts[0]);
  if (op == kOpNames.end()) {
    throw SpaceError(fmt::format("sphynx: unknown op '{}' (known: {})", parts[0], fmt::join(kOpNames, ", ")));
  }
  edge.set_op(static_cast<pb::SphynxOp>(op - kOpNames.begin()));
  edge.set_input(static_cast<int>(std::min<std::int64_t>(detail::parse_integer(parts[1], "sphynx: input"), 1000)));
}

void parse_cell(std::string_view text, pb::SphynxCell& cell) {
  for (std::string_view node_text : detail::split(text, '|')) {
    const auto edges = detail::split(node_text, ',');
    if (edges.size() != 2) throw SpaceError(fmt::format("sphynx: node '{}' needs two edges", node_text));
    auto& node = *cell.add_nodes();
    parse_edge(edges[0], *node.mutable_first());
    parse_edge(edges[1], *node.mutable_second());
  }
}

Tensor apply_op(NetworkBuilder& builder, pb::SphynxOp op, Tensor x, int stride) {
  const std::int64_t channels = x.shape.channels;
  switch (op) {
    case pb::SPHYNX_AVG_POOL_3X3: return builder.avg_pool(x, 3, stride, 1);
    case pb::SPHYNX_SKIP:
      return stride == 1 ? builder.identity(x) : builder.conv_bn(x, channels, 1, stride, 0, 1, "reduce");
    case pb::SPHYNX_CONV_3X3: return builder.conv_bn(x, channels, 3, stride, 1);
    case pb::SPHYNX_CONV_5X5: return builder.conv_bn(x, channels, 5, stride, 2);
    case pb::SPHYNX_DIL_CONV_3X3: return builder.conv_bn(x, channels, 3, stride, 2, 2, "dil_conv");
    default: return builder.conv_bn(x, channels, 5, stride, 4, 2, "dil_conv");
  }
}

}  // namespace

std::string SphynxSpace::summary() const {
  return "Sphynx DARTS-style micro space: normal and reduction cells of 4 nodes, 6 ReLU-free ops, "
         "one ReLU per cell, channels x4 at reductions";
}

SpaceSize SphynxSpace::size() const {
  double cell = 1;
  for (int i = 0; i < kNodes; ++i) cell *= std::pow(input_choices(i) * kNumOps, 2);
  double total = 0;
  for (int cells : kCellChoices) {
    const double positions = (cells - 1) * (cells - 2) / 2.0;
    total += positions * static_cast<double>(kChannelChoices.size()) * cell * cell;
  }
  return {total, std::nullopt};
}

pb::Genotype SphynxSpace::sample(std::mt19937_64& random) const {
  pb::Genotype genotype;
  auto& sphynx = *genotype.mutable_sphynx();
  const int cells = kCellChoices[detail::uniform(random, 0, kCellChoices.size() - 1)];
  sphynx.set_num_cells(cells);
  sphynx.set_channels(kChannelChoices[detail::uniform(random, 0, kChannelChoices.size() - 1)]);
  sample_cell(*sphynx.mutable_normal(), random);
  sample_cell(*sphynx.mutable_reduction(), random);
  int first = static_cast<int>(detail::uniform(random, 1, cells - 1));
  int second = static_cast<int>(detail::uniform(random, 1, cells - 2));
  if (second >= first) ++second;
  sphynx.add_reduction_positions(std::min(first, second));
  sphynx.add_reduction_positions(std::max(first, second));
  return genotype;
}

void SphynxSpace::check(const pb::Genotype& genotype) const {
  if (!genotype.has_sphynx()) throw SpaceError("sphynx: the genotype has no 'sphynx' field");
  const auto& sphynx = genotype.sphynx();
  if (sphynx.num_cells() < 1 || sphynx.num_cells() > kMaxCells) {
    throw SpaceError(fmt::format("sphynx: num_cells must be in [1, {}], is {}", kMaxCells, sphynx.num_cells()));
  }
  if (sphynx.channels() < 1 || sphynx.channels() > kMaxChannels) {
    throw SpaceError(fmt::format("sphynx: channels must be in [1, {}], is {}", kMaxChannels, sphynx.channels()));
  }
  check_cell(sphynx.normal(), "normal");
  check_cell(sphynx.reduction(), "reduction");
  int previous = -1;
  for (int position : sphynx.reduction_positions()) {
    if (position <= previous || position >= sphynx.num_cells()) {
      throw SpaceError(fmt::format(
          "sphynx: reduction_positions must be strictly increasing cell indices below {}, got {}",
          sphynx.num_cells(), position));
    }
    previous = position;
  }
}

pb::Genotype SphynxSpace::mutate(const pb::Genotype& genotype, std::mt19937_64& random) const {
  check(genotype);
  pb::Genotype child = genotype;
  auto& sphynx = *child.mutable_sphynx();
  // Uniform over single edits: an edge's op, an edge's input, the channels,
  // or moving one reduction position to a free cell index.
  std::vector<std::int64_t> other_channels;
  for (std::int64_t choice : kChannelChoices) {
    if (choice != sphynx.channels()) other_channels.push_back(choice);
  }
  std::vector<int> free_positions;
  for (int k = 0; k < sphynx.num_cells(); ++k) {
    if (std::find(sphynx.reduction_positions().begin(), sphynx.reduction_positions().end(), k) ==
        sphynx.reduction_positions().end()) {
      free_positions.push_back(k);
    }
  }
  const std::int64_t per_cell_op_edits = kNodes * 2 * (kNumOps - 1);
  std::int64_t per_cell_input_edits = 0;
  for (int i = 0; i < kNodes; ++i) per_cell_input_edits += 2 * (input_choices(i) - 1);
  const std::int64_t per_cell = per_cell_op_edits + per_cell_input_edits;
  const std::int64_t move_edits =
      static_cast<std::int64_t>(sphynx.reduction_positions_size()) * static_cast<std::int64_t>(free_positions.size());
  const std::int64_t total = 2 * per_cell + static_cast<std::int64_t>(other_channels.size()) + move_edits;
  std::int64_t edit = detail::uniform(random, 0, total - 1);
  if (edit < 2 * per_cell) {
    auto& cell = edit < per_cell ? *sphynx.mutable_normal() : *sphynx.mutable_reduction();
    edit %= per_cell;
    if (edit < per_cell_op_edits) {
      auto& edge = mutable_edge(cell, static_cast<int>(edit / (2 * (kNumOps - 1))),
                                static_cast<int>(edit / (kNumOps - 1) % 2));
      edge.set_op(static_cast<pb::SphynxOp>((edge.op() + edit % (kNumOps - 1) + 1) % kNumOps));
      return child;
    }
    edit -= per_cell_op_edits;
    for (int i = 0; i < kNodes; ++i) {
      const int alternatives = input_choices(i) - 1;
      if (edit < 2 * alternatives) {
        auto& edge = mutable_edge(cell, i, static_cast<int>(edit / alternatives));
        edge.set_input(static_cast<int>((edge.input() + edit % alternatives + 1) % input_choices(i)));
        return child;
      }
      edit -= 2 * alternatives;
    }
  }
  edit -= 2 * per_cell;
  if (edit < static_cast<std::int64_t>(other_channels.size())) {
    sphynx.set_channels(other_channels[edit]);
    return child;
  }
  edit -= static_cast<std::int64_t>(other_channels.size());
  std::vector<int> positions(sphynx.reduction_positions().begin(), sphynx.reduction_positions().end());
  positions[edit / free_positions.size()] = free_positions[edit % free_positions.size()];
  std::sort(positions.begin(), positions.end());
  sphynx.clear_reduction_positions();
  for (int position : positions) sphynx.add_reduction_positions(position);
  return child;
}

std::string SphynxSpace::describe(const pb::Genotype& genotype) const {
  check(genotype);
  const auto& sphynx = genotype.sphynx();
  return fmt::format("N{}-C{}-R{}:normal={};reduce={}", sphynx.num_cells(), sphynx.channels(),
                     fmt::join(sphynx.reduction_positions(), "."), describe_cell(sphynx.normal()),
                     describe_cell(sphynx.reduction()));
}

pb::Genotype SphynxSpace::parse(std::string_view description) const {
  const auto halves = detail::split(description, ':');
  const auto header = halves.size() == 2 ? detail::split(halves[0], '-') : std::vector<std::string_view>{};
  if (header.size() != 3 || !header[0].starts_with('N') || !header[1].starts_with('C') ||
      !header[2].starts_with('R')) {
    throw SpaceError(fmt::format("sphynx: '{}' is not of the form N<n>-C<n>-R<i>.<j>:normal=...;reduce=...", description));
  }
  pb::Genotype genotype;
  auto& sphynx = *genotype.mutable_sphynx();
  sphynx.set_num_cells(static_cast<int>(std::min<std::int64_t>(detail::parse_integer(header[0].substr(1), "sphynx: N"), kMaxCells + 1)));
  sphynx.set_channels(detail::parse_integer(header[1].substr(1), "sphynx: C"));
  if (header[2].size() > 1) {
    for (std::string_view position : detail::split(header[2].substr(1), '.')) {
      sphynx.add_reduction_positions(static_cast<int>(std::min<std::int64_t>(detail::parse_integer(position, "sphynx: reduction position"), kMaxCells + 1)));
    }
  }
  const auto cells = detail::split(halves[1], ';');
  if (cells.size() != 2 || !cells[0].starts_with("normal=") || !cells[1].starts_with("reduce=")) {
    throw SpaceError(fmt::format("sphynx: '{}' must be normal=...;reduce=...", halves[1]));
  }
  parse_cell(cells[0].substr(7), *sphynx.mutable_normal());
  parse_cell(cells[1].substr(7), *sphynx.mutable_reduction());
  check(genotype);
  return genotype;
}

void SphynxSpace::emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
                       NetworkBuilder& builder) const {
  const auto& sphynx = genotype.sphynx();
  Tensor stem = builder.input(input);
  {
    auto scope = builder.scope("stem");
    stem = builder.conv_bn(stem, sphynx.channels(), 3, 1, 1);
  }
  Tensor s0 = stem;
  Tensor s1 = stem;
  std::vector<Tensor> states;
  std::vector<Tensor> terms(2);
  for (int k = 0; k < sphynx.num_cells(); ++k) {
    auto scope = builder.scope("cell", k);
    const bool reduction = std::find(sphynx.reduction_positions().begin(),
                                     sphynx.reduction_positions().end(), k) != sphynx.reduction_positions().end();
    const auto& cell = reduction ? sphynx.reduction() : sphynx.normal();
    const std::int64_t channels = s1.shape.channels;
    const int s0_stride = s0.shape.height != s1.shape.height || s0.shape.width != s1.shape.width ? 2 : 1;
    states.clear();
    states.push_back(builder.conv_bn(s0, channels, 1, s0_stride, 0, 1, "preprocess0"));
    states.push_back(builder.conv_bn(s1, channels, 1, 1, 0, 1, "preprocess1"));
    for (int i = 0; i < kNodes; ++i) {
      auto node_scope = builder.scope("node", i);
      for (int e = 0; e < 2; ++e) {
        const auto& edge = edge_of(cell, i, e);
        const int stride = reduction && edge.input() < 2 ? 2 : 1;
        terms[e] = apply_op(builder, edge.op(), states[edge.input()], stride);
      }
      states.push_back(builder.add(terms));
    }
    Tensor merged = builder.concat(std::span<const Tensor>(states).subspan(2));
    const std::int64_t out_channels = reduction ? 4 * channels : channels;
    Tensor out = builder.relu(builder.conv_bn(merged, out_channels, 1, 1, 0, 1, "merge"));
    s0 = s1;
    s1 = out;
  }
  detail::classifier_head(builder, s1, num_classes);
}

}  // namespace pinas::spaces
