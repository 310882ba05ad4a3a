#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "proto/genotype.pb.h"
#include "search_spaces/architecture.h"
#include "search_spaces/cost_report.h"

namespace pinas::spaces {

namespace detail {
class NetworkBuilder;
}

// The number of members of a space: `approximate` always, `exact` when it
// fits in 64 bits (e.g. 15,625 for nb201).
struct SpaceSize {
  double approximate = 0;
  std::optional<std::uint64_t> exact;
  // "15,625" when exact, else "1.2e+29".
  std::string to_string() const;
};

// The default input and class count (CIFAR-10) used when neither the caller
// nor the genotype says otherwise.
inline constexpr Shape kDefaultInputShape{3, 32, 32};
inline constexpr std::int64_t kDefaultNumClasses = 10;

// A cell-based search space: seeded sampling, one-edit mutation, its size,
// and genotype -> IR for a given input shape and class count.
//
// Thread-safety: every method is const and may run concurrently (callers own
// their random engines).
class SearchSpace {
 public:
  virtual ~SearchSpace() = default;

  // "cryptonas", "sphynx", "nb201" or "resnet".
  virtual std::string name() const = 0;
  // A one-line description of the space and its choices.
  virtual std::string summary() const = 0;
  virtual SpaceSize size() const = 0;

  // A member drawn by sampling each decision uniformly from its choices
  // (deterministic for a given engine state). The genotype's input_shape and
  // num_classes are left unset.
  virtual pb::Genotype sample(std::mt19937_64& random) const = 0;

  // A copy of `genotype` with exactly one decision changed to a different
  // valid value (an op, a skip bit, an input, a channel count...), so the
  // result differs from the parent and stays in the space. Keeps input_shape
  // and num_classes. Throws SpaceError if `genotype` is not a member.
  virtual pb::Genotype mutate(const pb::Genotype& genotype, std::mt19937_64& random) const = 0;

  // Throws SpaceError naming the field when `genotype` is not a member of
  // this space (wrong space, out-of-range op or index, inconsistent counts).
  virtual void check(const pb::Genotype& genotype) const = 0;

  // The network for `genotype` on `input` with `num_classes` logits; its
  // space() is name() and its genotype() is describe(genotype). Throws
  // SpaceError for a non-member and GraphError if the input is too small
  // for the network's reductions.
  Architecture build(const pb::Genotype& genotype, Shape input, std::int64_t num_classes) const;

  // The totals of build(genotype, input, num_classes) without building the
  // graph (the fast path a search screens candidates with; tested equal to
  // analyze(build(...))). Same throws as build().
  CostTotals count(const pb::Genotype& genotype, Shape input, std::int64_t num_classes) const;

  // The canonical readable genotype string: equal iff the decisions are equal.
  // Throws SpaceError for a non-member.
  virtual std::string describe(const pb::Genotype& genotype) const = 0;
  // The reverse of describe(). Throws SpaceError naming the bad part.
  virtual pb::Genotype parse(std::string_view description) const = 0;

 protected:
  // Emits the network of a checked member through `builder` (graph or
  // counting mode); build() and count() both go through here.
  virtual void emit(const pb::Genotype& genotype, Shape input, std::int64_t num_classes,
                    detail::NetworkBuilder& builder) const = 0;
};

// The space called `name`. Throws SpaceError naming it and listing the known
// spaces.
std::unique_ptr<SearchSpace> make_search_space(std::string_view name);
// The space a genotype belongs to (by its oneof). Throws SpaceError if unset.
std::unique_ptr<SearchSpace> make_search_space(const pb::Genotype& genotype);
// The known spaces, in a fixed order: cryptonas, sphynx, nb201, resnet.
std::vector<std::string> search_space_names();

// The name of the space `genotype` belongs to ("" if none is set).
std::string genotype_space(const pb::Genotype& genotype);

// A canonical key for deduplication and hashing: "<space>:<describe>", plus
// "@CxHxW/<classes>" when input_shape or num_classes is set. Equal iff the
// genotypes are equal. Throws SpaceError for a non-member.
std::string genotype_key(const pb::Genotype& genotype);

// The reverse of genotype_key(): "<space>:<describe>[@CxHxW/<classes>]" (what
// `pinas top` prints). Throws SpaceError naming the bad part. Thread-safe.
pb::Genotype parse_genotype_key(std::string_view key);

// The genotype an architecture was built from (the reverse of build()):
// parsed from its space() and genotype() strings, with input_shape and
// num_classes taken from its INPUT node and class count. Throws SpaceError
// when the architecture names no known space or its genotype string does
// not parse, GraphError when it has no single INPUT node.
pb::Genotype genotype_of(const Architecture& architecture);

// build() with the genotype's own input_shape / num_classes, or the defaults
// (3x32x32, 10) where unset.
Architecture build_genotype(const pb::Genotype& genotype);

}  // namespace pinas::spaces
