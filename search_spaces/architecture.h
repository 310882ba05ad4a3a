#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "proto/architecture.pb.h"
#include "search_spaces/errors.h"
#include "search_spaces/node.h"

namespace pinas::spaces {

// Each edge is one tensor, from its producer to its consumer. `input_index`
// is the position of that tensor among the consumer's inputs, so CONCAT's
// channel order (and any other order-sensitive op) survives graph edits.
struct EdgeProperties {
  int input_index = 0;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Node,
                                    EdgeProperties>;
using NodeId = Graph::vertex_descriptor;

// A network: a DAG of IR nodes on Boost.Graph, plus the name, class count,
// and the search space and genotype it came from. Nodes are never removed,
// so NodeIds stay valid (they are 0 .. num_nodes() - 1, in insertion order).
//
// An Architecture may be invalid (a cycle read from a file, a shape
// mismatch, a missing OUTPUT...): construction only checks names and
// references. analyze() (cost_report.h) validates everything.
//
// Thread-safety: const methods may run concurrently; mutation needs
// exclusive access.
class Architecture {
 public:
  Architecture() = default;
  explicit Architecture(std::string name, std::int64_t num_classes = 0);

  // Adds `node` reading `inputs` in order. Requires a non-empty name not yet
  // used and inputs that are existing ids. Returns the new node's id.
  // Throws GraphError naming the node otherwise.
  NodeId add_node(Node node, const std::vector<NodeId>& inputs);
  // As add_node, except that a name already in use is not an error: returns
  // std::nullopt and leaves `node` as it was. On success `node` is moved from.
  // Throws GraphError for an empty name or a bad input id.
  std::optional<NodeId> try_add_node(Node& node, std::span<const NodeId> inputs);

  // Appends `producer` as the next input of `consumer` (this can create a
  // cycle; topological_order() detects it). Throws GraphError on a bad id.
  void add_input(NodeId consumer, NodeId producer);

  // The node's attributes. Requires id < num_nodes() (throws GraphError).
  const Node& node(NodeId id) const;
  // Attribute edits (the name must stay unique: use rename()).
  Node& mutable_node(NodeId id);
  void rename(NodeId id, std::string new_name);

  // The node called `name`, if any.
  std::optional<NodeId> find(std::string_view name) const;
  // The node called `name`; throws GraphError naming it when absent.
  NodeId at(std::string_view name) const;

  std::size_t num_nodes() const { return boost::num_vertices(graph_); }

  // The producers of `id`, in input order (index 0 first).
  std::vector<NodeId> inputs(NodeId id) const;
  // The nodes that read `id`, sorted by id.
  std::vector<NodeId> consumers(NodeId id) const;

  // Every node, producers before consumers; ties broken by id, so the order
  // is deterministic. Throws GraphError naming a node on a cycle.
  std::vector<NodeId> topological_order() const;

  // The unique INPUT / OUTPUT node. Throws GraphError when there is none or
  // more than one (naming them).
  NodeId input_node() const;
  NodeId output_node() const;

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  std::int64_t num_classes() const { return num_classes_; }
  void set_num_classes(std::int64_t num_classes) { num_classes_ = num_classes; }
  // The search space this came from ("" when hand-made) and its readable genotype string.
  const std::string& space() const { return space_; }
  void set_space(std::string space) { space_ = std::move(space); }
  const std::string& genotype() const { return genotype_; }
  void set_genotype(std::string genotype) { genotype_ = std::move(genotype); }

  // The underlying graph (read-only: edits go through the methods above so
  // the name index and input order stay consistent).
  const Graph& graph() const { return graph_; }

  // Nodes are written in id order with their inputs by name.
  pb::Architecture to_proto() const;
  // Builds the graph from any node order. Throws GraphError naming the node
  // for a duplicate or empty name or a dangling input (a name that no node
  // has). Does not check shapes or ops: see analyze().
  static Architecture from_proto(const pb::Architecture& proto);

  // Equal names, classes, space, genotype, nodes (in id order) and inputs.
  bool operator==(const Architecture& other) const;

 private:
  // Hashes std::string and std::string_view alike, so find(string_view)
  // looks up without building a string.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };

  Graph graph_;
  // Node name -> id. Hashed, not ordered: building the IR of a candidate is
  // on the cost model's per-query path, and a tree of strings was a third of it.
  std::unordered_map<std::string, NodeId, NameHash, std::equal_to<>> index_;
  std::string name_;
  std::int64_t num_classes_ = 0;
  std::string space_;
  std::string genotype_;
};

}  // namespace pinas::spaces
