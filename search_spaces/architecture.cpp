#include "search_spaces/architecture.h"

#include <fmt/format.h>

#include <algorithm>
#include <queue>

namespace pinas::spaces {

Architecture::Architecture(std::string name, std::int64_t num_classes)
    : name_(std::move(name)), num_classes_(num_classes) {}

NodeId Architecture::add_node(Node node, const std::vector<NodeId>& inputs) {
  const auto id = try_add_node(node, inputs);
  if (!id) throw GraphError(fmt::format("node '{}': duplicate name", node.name));
  return *id;
}

std::optional<NodeId> Architecture::try_add_node(Node& node, std::span<const NodeId> inputs) {
  if (node.name.empty()) throw GraphError("node with an empty name (op " + op_name(node.op) + ")");
  for (NodeId input : inputs) {
    if (input >= num_nodes()) {
      throw GraphError(fmt::format("node '{}': input id {} does not exist", node.name, input));
    }
  }
  // One hash of the name checks and claims it (building candidates' IR is on
  // the cost model's per-query path).
  const auto [entry, inserted] = index_.try_emplace(node.name, num_nodes());
  if (!inserted) return std::nullopt;
  NodeId id;
  try {
    id = boost::add_vertex(std::move(node), graph_);
  } catch (...) {
    index_.erase(entry);
    throw;
  }
  int position = 0;
  for (NodeId input : inputs) boost::add_edge(input, id, EdgeProperties{position++}, graph_);
  return id;
}

void Architecture::add_input(NodeId consumer, NodeId producer) {
  if (consumer >= num_nodes() || producer >= num_nodes()) {
    throw GraphError(fmt::format("add_input: node id {} or {} does not exist", consumer, producer));
  }
  const int position = static_cast<int>(boost::in_degree(consumer, graph_));
  boost::add_edge(producer, consumer, EdgeProperties{position}, graph_);
}

const Node& Architecture::node(NodeId id) const {
  if (id >= num_nodes()) throw GraphError(fmt::format("node id {} does not exist", id));
  return graph_[id];
}

Node& Architecture::mutable_node(NodeId id) {
  if (id >= num_nodes()) throw GraphError(fmt::format("node id {} does not exist", id));
  return graph_[id];
}

void Architecture::rename(NodeId id, std::string new_name) {
  Node& target = mutable_node(id);
  if (new_name.empty()) throw GraphError(fmt::format("node '{}': empty new name", target.name));
  if (new_name == target.name) return;
  if (index_.count(new_name) != 0) {
    throw GraphError(fmt::format("node '{}': cannot rename to '{}', already used", target.name,
                                 new_name));
  }
  index_.erase(target.name);
  index_.emplace(new_name, id);
  target.name = std::move(new_name);
}

std::optional<NodeId> Architecture::find(std::string_view name) const {
  const auto found = index_.find(name);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

NodeId Architecture::at(std::string_view name) const {
  const auto found = find(name);
  if (!found) throw GraphError(fmt::format("node '{}' does not exist", name));
  return *found;
}

std::vector<NodeId> Architecture::inputs(NodeId id) const {
  node(id);  // range check
  // Edges carry their input positions 0 .. degree - 1 (add_node, add_input),
  // so each producer goes straight to its slot; any other numbering falls
  // back to sorting by position.
  const auto degree = static_cast<std::size_t>(boost::in_degree(id, graph_));
  constexpr NodeId kUnset = static_cast<NodeId>(-1);
  std::vector<NodeId> result(degree, kUnset);
  bool placed = true;
  for (auto [edge, end] = boost::in_edges(id, graph_); edge != end && placed; ++edge) {
    const int position = graph_[*edge].input_index;
    if (position < 0 || static_cast<std::size_t>(position) >= degree ||
        result[position] != kUnset) {
      placed = false;
    } else {
      result[position] = boost::source(*edge, graph_);
    }
  }
  if (placed) return result;
  std::vector<std::pair<int, NodeId>> ordered;
  ordered.reserve(degree);
  for (auto [edge, end] = boost::in_edges(id, graph_); edge != end; ++edge) {
    ordered.emplace_back(graph_[*edge].input_index, boost::source(*edge, graph_));
  }
  std::sort(ordered.begin(), ordered.end());
  for (std::size_t i = 0; i < ordered.size(); ++i) result[i] = ordered[i].second;
  return result;
}

std::vector<NodeId> Architecture::consumers(NodeId id) const {
  node(id);
  std::vector<NodeId> result;
  for (auto [edge, end] = boost::out_edges(id, graph_); edge != end; ++edge) {
    result.push_back(boost::target(*edge, graph_));
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

std::vector<NodeId> Architecture::topological_order() const {
  // Kahn's algorithm with a min-heap, so the order is deterministic and a
  // cycle can be reported by naming one of its nodes.
  const std::size_t count = num_nodes();
  std::vector<std::size_t> pending(count);
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (NodeId id = 0; id < count; ++id) {
    pending[id] = boost::in_degree(id, graph_);
    if (pending[id] == 0) ready.push(id);
  }
  std::vector<NodeId> order;
  order.reserve(count);
  while (!ready.empty()) {
    const NodeId id = ready.top();
    ready.pop();
    order.push_back(id);
    for (auto [edge, end] = boost::out_edges(id, graph_); edge != end; ++edge) {
      const NodeId next = boost::target(*edge, graph_);
      if (--pending[next] == 0) ready.push(next);
    }
  }
  if (order.size() != count) {
    // Walk back from any unfinished node along unfinished producers until a
    // node repeats: that node lies on a cycle.
    NodeId current = 0;
    while (pending[current] == 0) ++current;
    std::vector<bool> seen(count, false);
    while (!seen[current]) {
      seen[current] = true;
      for (auto [edge, end] = boost::in_edges(current, graph_); edge != end; ++edge) {
        const NodeId producer = boost::source(*edge, graph_);
        if (pending[producer] != 0) {
          current = producer;
          break;
        }
      }
    }
    throw GraphError(fmt::format("node '{}': lies on a cycle", graph_[current].name));
  }
  return order;
}

namespace {

NodeId unique_node_of(const Graph& graph, OpType op, std::string_view what) {
  std::vector<NodeId> found;
  for (NodeId id = 0; id < boost::num_vertices(graph); ++id) {
    if (graph[id].op == op) found.push_back(id);
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) throw GraphError(fmt::format("the architecture has no {} node", what));
  throw GraphError(fmt::format("node '{}': a second {} node (the first is '{}')",
                               graph[found[1]].name, what, graph[found[0]].name));
}

}  // namespace

NodeId Architecture::input_node() const { return unique_node_of(graph_, OpType::Input, "INPUT"); }

NodeId Architecture::output_node() const {
  return unique_node_of(graph_, OpType::Output, "OUTPUT");
}

pb::Architecture Architecture::to_proto() const {
  pb::Architecture proto;
  proto.set_name(name_);
  proto.set_num_classes(num_classes_);
  proto.set_space(space_);
  proto.set_genotype(genotype_);
  std::vector<std::string> input_names;
  for (NodeId id = 0; id < num_nodes(); ++id) {
    input_names.clear();
    for (NodeId input : inputs(id)) input_names.push_back(graph_[input].name);
    *proto.add_nodes() = graph_[id].to_proto(input_names);
  }
  return proto;
}

Architecture Architecture::from_proto(const pb::Architecture& proto) {
  Architecture architecture(proto.name(), proto.num_classes());
  architecture.set_space(proto.space());
  architecture.set_genotype(proto.genotype());
  for (const auto& node : proto.nodes()) architecture.add_node(Node::from_proto(node), {});
  for (int position = 0; position < proto.nodes_size(); ++position) {
    const auto& node = proto.nodes(position);
    for (const auto& input : node.inputs()) {
      const auto producer = architecture.find(input);
      if (!producer) {
        throw GraphError(
            fmt::format("node '{}': dangling input '{}' (no node has that name)", node.name(), input));
      }
      architecture.add_input(static_cast<NodeId>(position), *producer);
    }
  }
  return architecture;
}

bool Architecture::operator==(const Architecture& other) const {
  if (name_ != other.name_ || num_classes_ != other.num_classes_ || space_ != other.space_ ||
      genotype_ != other.genotype_ || num_nodes() != other.num_nodes()) {
    return false;
  }
  for (NodeId id = 0; id < num_nodes(); ++id) {
    if (!(graph_[id] == other.graph_[id]) || inputs(id) != other.inputs(id)) return false;
  }
  return true;
}

}  // namespace pinas::spaces
