#include "search_spaces/nb201_space.h"

#include <fmt/format.h>

#include <array>

#include "search_spaces/detail/network_builder.h"
#include "search_spaces/detail/space_helpers.h"

namespace pinas::spaces {
namespace {

constexpr int kNumEdges = 6;
constexpr int kNumOps = 5;
constexpr std::array<std::string_view, kNumOps> kOpNames{
    "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
// Edge e reads node kEdgeFrom[e] into node kEdgeTo[e].
constexpr std::array<int, kNumEdges> kEdgeFrom{0, 0, 1, 0, 1, 2};
constexpr std::array<int, kNumEdges> kEdgeTo{1, 2, 2, 3, 3, 3};
constexpr std::int64_t kChannels = 16;
constexpr int kCellsPerStage = 5;

using detail::NetworkBuilder;
using detail::Tensor;

Tensor reduction_block(NetworkBuilder& builder, Tensor x, std::int64_t channels) {
  Tensor a = builder.relu(x, "relu_a");
  a = builder.conv_bn(a, channels, 3, 2, 1, 1, "conv_a");
  Tensor b = builder.relu(a, "relu_b");
  b = builder.conv_bn(b, channels, 3, 1, 1, 1, "conv_b");
  Tensor shortcut = builder.avg_pool(x, 2, 2, 0, "shortcut_pool");
  shortcut = builder.conv(shortcut, channels, 1, 1, 0, 1, "shortcut_conv");
  const std::array<Tensor, 2> parts{b, shortcut};
  return builder.add(parts);
}

Tensor cell(NetworkBuilder& builder, Tensor x, const pb::Nb201Genotype& genotype,
            std::vector<Tensor>& terms) {
  // Which nodes reach the output (node 3) through non-none edges.
  std::array<bool, 4> live{false, false, false, true};
  for (int e = kNumEdges - 1; e >= 0; --e) {
    if (live[kEdgeTo[e]] && genotype.edges(e) != pb::NB201_NONE) live[kEdgeFrom[e]] = true;
  }
  std::array<Tensor, 4> nodes{x, {}, {}, {}};
  std::array<bool, 4> activated_ready{};
  std::array<Tensor, 4> activated{};
  for (int to = 1; to < 4; ++to) {
    if (!live[to]) continue;
    terms.clear();
    for (int e = 0; e < kNumEdges; ++e) {
      if (kEdgeTo[e] != to || genotype.edges(e) == pb::NB201_NONE) continue;
      const int from = kEdgeFrom[e];
      auto scope = builder.scope("edge", to, from);
      switch (genotype.edges(e)) {
        case pb::NB201_SKIP_CONNECT: terms.push_back(builder.identity(nodes[from])); break;
        case pb::NB201_AVG_POOL_3X3: terms.push_back(builder.avg_pool(nodes[from], 3, 1, 1)); break;
        default: {
          if (!activated_ready[from]) {
            auto node_scope = builder.scope("node", from);
            activated[from] = builder.relu(nodes[from]);
            activated_ready[from] = true;
          }
          const int kernel = genotype.edges(e) == pb::NB201_NOR_CONV_1X1 ? 1 : 3;
          terms.push_back(builder.conv_bn(activated[from], x.shape.channels, kernel, 1, kernel / 2));
        }
      }
    }
    if (terms.empty()) {
      // Every edge into this live node is none: it is all zeros.
      auto scope = builder.scope("node", to);
      nodes[to] = builder.zero(x, 1);
    } else if (terms.size() == 1) {
      nodes[to] = terms.front();
    } else {
      auto scope = builder.scope("node", to);
      nodes[to] = builder.add(terms);
    }
  }
  return nodes[3];
}

}  // namespace

std::string Nb201Space::summary() const {
  return "NAS-Bench-201 cell (4 nodes, 6 edges, 5 ops) in the C=16, N=5 skeleton";
}

SpaceSize Nb201Space::size() const { return {15625.0, 15625}; }

pb::Genotype Nb201Space::from_index(int index) {
  if (index < 0 || index >= 15625) {
    throw SpaceError(fmt::format("nb201: cell index {} is outside [0, 15625)", index));
  }
  pb::Genotype genotype;
  auto& cell = *genotype.mutable_nb201();
  for (int e = 0; e < kNumEdges; ++e) {
    cell.add_edges(static_cast<pb::Nb201Op>(index % kNumOps));
    index /= kNumOps;
  }
  return genotype;
}

pb::Genotype Nb201Space::sample(std::mt19937_64& random) const {
  pb::Genotype genotype;
  auto& cell = *genotype.mutable_nb201();
  for (int e = 0; e < kNumEdges; ++e) {
    cell.add_edges(static_cast<pb::Nb201Op>(detail::uniform(random, 0, kNumOps - 1)));
  }
  return genotype;
}

void Nb201Space::check(const pb::Genotype& genotype) const {
  if (!genotype.has_nb201()) throw SpaceError("nb201: the genotype has no 'nb201' field");
  const auto& cell = genotype.nb201();
  if (cell.edges_size() != kNumEdges) {
    throw SpaceError(fmt::format("nb201: 'edges' must have 6 entries, has {}", cell.edges_size()));
  }
  for (int e = 0; e < kNumEdges; ++e) {
    if (!pb::Nb201Op_IsValid(cell.edges(e))) {
      throw SpaceError(fmt::format("nb201: edges[{}]: unknown op {}", e, static_cast<int>(cell.edges(e))));
    }
  }
}

pb::Genotype Nb201Space::mutate(const pb::Genotype& genotype, std::mt19937_64& random) const {
  check(genotype);
  pb::Genotype child = genotype;
  const int edit = static_cast<int>(detail::uniform(random, 0, kNumEdges * (kNumOps - 1) - 1));
  const int edge = edit / (kNumOps - 1);
  const int offset = edit % (kNumOps - 1) + 1;
  auto& cell = *child.mutable_nb201();
  cell.set_edges(edge, static_cast<pb::Nb201Op>((cell.edges(edge) + offset) % kNumOps));
  return child;
}

std::string Nb201Space::describe(const pb::Genotype& genotype) const {
  check(genotype);
  std::string text = "|";
  for (int e = 0; e < kNumEdges; ++e) {
    if (e > 0 && kEdgeTo[e] != kEdgeTo[e - 1]) text += "+|";
    text += fmt::format("{}~{}|", kOpNames[genotype.nb201().edges(e)], kEdgeFrom[e]);
  }
  return text;
}

pb::Genotype Nb201Space::parse(std::string_view description) const {
  pb::Genotype genotype;
  auto& cell = *genotype.mutable_nb201();
  int edge = 0;
  for (std::string_view node : detail::split(description, '+')) {
    if (node.size() < 2 || node.front() != '|' || node.back() != '|') {
      throw SpaceError(fmt::format("nb201: '{}' is not a |op~i|...| node", node));
    }
    for (std::string_view term : detail::split(node.substr(1, node.size() - 2), '|')) {
      const auto parts = detail::split(term, '~');
      if (parts.size() != 2 || edge >= kNumEdges) {
        throw SpaceError(fmt::format("nb201: unexpected edge '{}' in '{}'", term, description));
      }
      const auto op = std::find(kOpNames.begin(), kOpNames.end(), parts[0]);
      if (op == kOpNames.end()) {
        throw SpaceError(fmt::format("nb201: unknown op '{}' (known: {})", parts[0], fmt::join(kOpNames, ", ")));
      }
      if (detail::parse_integer(parts[1], "nb201: edge source") != kEdgeFrom[edge]) {
        throw SpaceError(fmt::format("nb201: edge '{}' reads node {}, expected node {}", term, parts[1], kEdgeFrom[edge]));
      }
      cell.add_edges(static_cast<pb::Nb201Op>(op - kOpNames.begin()));
      ++edge;
    }
  }
  check(genotype);
  if (describe(genotype) != description) {
    throw SpaceError(fmt::format("nb201: '{}' does not group edges by node as |a~0|+|b~0|c~1|+|d~0|e~1|f~2|", description));
  }
  return genotype;
}

void Nb201Space::emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
                      NetworkBuilder& builder) const {
  Tensor x = builder.input(input);
  {
    auto scope = builder.scope("stem");
    x = builder.conv_bn(x, kChannels, 3, 1, 1);
  }
  std::int64_t channels = kChannels;
  int index = 0;
  std::vector<Tensor> terms;
  terms.reserve(3);
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      channels *= 2;
      auto scope = builder.scope("reduction", stage);
      x = reduction_block(builder, x, channels);
    }
    for (int c = 0; c < kCellsPerStage; ++c) {
      auto scope = builder.scope("cell", index++);
      x = cell(builder, x, genotype.nb201(), terms);
    }
  }
  {
    auto scope = builder.scope("lastact");
    x = builder.relu(builder.batch_norm(x));
  }
  detail::classifier_head(builder, x, num_classes);
}

}  // namespace pinas::spaces
