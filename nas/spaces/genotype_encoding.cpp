#include "nas/spaces/genotype_encoding.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace pinas::nas {
namespace {

constexpr int kObservedSamples = 2000;
constexpr std::uint64_t kObservationSeed = 20240521;

// Reads decisions in order; each read names its cardinality, so the layout
// is written once and used both to build the decision space and to decode.
class DecisionCursor {
 public:
  explicit DecisionCursor(const Decisions* decisions) : decisions_(decisions) {}
  int take(int options) {
    cardinalities.push_back(options);
    int value = decisions_ ? (*decisions_)[position_] : 0;
    ++position_;
    return value;
  }
  std::vector<int> cardinalities;

 private:
  const Decisions* decisions_;
  std::size_t position_ = 0;
};

template <typename T>
std::vector<T> sorted(const std::set<T>& values) {
  return std::vector<T>(values.begin(), values.end());
}

// Runs `layout` once without decisions to learn the cardinalities.
template <typename Layout>
class LayoutEncoding : public GenotypeEncoding {
 public:
  explicit LayoutEncoding(Layout layout) : layout_(std::move(layout)) {
    DecisionCursor cursor(nullptr);
    layout_(cursor);
    space_.cardinalities = cursor.cardinalities;
  }
  const DecisionSpace& decision_space() const override { return space_; }
  pb::Genotype decode(const Decisions& decisions) const override {
    if (decisions.size() != space_.cardinalities.size()) throw Error("decisions do not match the space's encoding");
    DecisionCursor cursor(&decisions);
    return layout_(cursor);
  }

 private:
  Layout layout_;
  DecisionSpace space_;
};

template <typename Layout>
std::unique_ptr<GenotypeEncoding> encoding(Layout layout) {
  return std::make_unique<LayoutEncoding<Layout>>(std::move(layout));
}

std::unique_ptr<GenotypeEncoding> nb201_encoding() {
  return encoding([](DecisionCursor& cursor) {
    pb::Genotype genotype;
    auto* nb201 = genotype.mutable_nb201();
    for (int edge = 0; edge < 6; ++edge) nb201->add_edges(static_cast<pb::Nb201Op>(cursor.take(5)));
    return genotype;
  });
}

std::unique_ptr<GenotypeEncoding> cryptonas_encoding(const spaces::SearchSpace& space) {
  std::set<int> layer_counts;
  std::set<std::int64_t> widths;
  std::mt19937_64 random(kObservationSeed);
  for (int i = 0; i < kObservedSamples; ++i) {
    auto genotype = space.sample(random);
    layer_counts.insert(genotype.cryptonas().num_layers());
    widths.insert(genotype.cryptonas().channels());
  }
  auto layers = sorted(layer_counts);
  auto channels = sorted(widths);
  return encoding([layers, channels](DecisionCursor& cursor) {
    pb::Genotype genotype;
    auto* cryptonas = genotype.mutable_cryptonas();
    int count = layers[static_cast<std::size_t>(cursor.take(static_cast<int>(layers.size())))];
    cryptonas->set_num_layers(count);
    cryptonas->set_channels(channels[static_cast<std::size_t>(cursor.take(static_cast<int>(channels.size())))]);
    int most = layers.back();
    for (int layer = 0; layer < most; ++layer) {
      int op = cursor.take(6);
      if (layer < count) cryptonas->add_layers()->set_op(static_cast<pb::CryptoNasOp>(op));
    }
    for (int layer = 0; layer < most; ++layer)
      for (int earlier = 0; earlier < layer; ++earlier) {
        int skip = cursor.take(2);
        if (layer < count && skip) cryptonas->mutable_layers(layer)->add_skips(earlier);
      }
    return genotype;
  });
}

std::unique_ptr<GenotypeEncoding> sphynx_encoding(const spaces::SearchSpace& space) {
  std::set<int> cell_counts;
  std::set<std::int64_t> widths;
  std::mt19937_64 random(kObservationSeed);
  for (int i = 0; i < kObservedSamples; ++i) {
    auto genotype = space.sample(random);
    cell_counts.insert(genotype.sphynx().num_cells());
    widths.insert(genotype.sphynx().channels());
  }
  auto cells = sorted(cell_counts);
  auto channels = sorted(widths);
  return encoding([cells, channels](DecisionCursor& cursor) {
    pb::Genotype genotype;
    auto* sphynx = genotype.mutable_sphynx();
    int count = cells[static_cast<std::size_t>(cursor.take(static_cast<int>(cells.size())))];
    sphynx->set_num_cells(count);
    sphynx->set_channels(channels[static_cast<std::size_t>(cursor.take(static_cast<int>(channels.size())))]);
    // Two distinct positions in [1, count): the second is an offset from the first.
    int most = std::max(3, cells.back());
    int first = cursor.take(most - 1);
    int offset = cursor.take(std::max(2, most - 2));
    if (count >= 3) {
      int a = 1 + first % (count - 1);
      int b = 1 + (a - 1 + 1 + offset % (count - 2)) % (count - 1);
      sphynx->add_reduction_positions(std::min(a, b));
      sphynx->add_reduction_positions(std::max(a, b));
    }
    for (pb::SphynxCell* cell : {sphynx->mutable_normal(), sphynx->mutable_reduction()}) {
      for (int node = 0; node < 4; ++node) {
        auto* entry = cell->add_nodes();
        for (pb::SphynxEdge* edge : {entry->mutable_first(), entry->mutable_second()}) {
          edge->set_input(cursor.take(node + 2));
          edge->set_op(static_cast<pb::SphynxOp>(cursor.take(6)));
        }
      }
    }
    return genotype;
  });
}

std::unique_ptr<GenotypeEncoding> resnet_encoding(const spaces::SearchSpace& space) {
  std::set<double> scales;
  std::set<int> divisors;
  std::map<int, std::pair<int, int>> knobs_per_depth;  // depth -> (stages, blocks)
  std::mt19937_64 random(kObservationSeed);
  for (int i = 0; i < kObservedSamples; ++i) {
    auto genotype = space.sample(random).resnet();
    scales.insert(genotype.channel_scale());
    divisors.insert(genotype.resolution_divisor());
    auto& knobs = knobs_per_depth[genotype.depth()];
    knobs.first = std::max(knobs.first, genotype.stage_culled_size());
    knobs.second = std::max(knobs.second, genotype.block_thinned_size());
  }
  std::vector<int> depths;
  int most_stages = 0, most_blocks = 0;
  for (auto& [depth, knobs] : knobs_per_depth) {
    depths.push_back(depth);
    most_stages = std::max(most_stages, knobs.first);
    most_blocks = std::max(most_blocks, knobs.second);
  }
  auto alpha = sorted(scales);
  auto divisor = sorted(divisors);
  return encoding([=](DecisionCursor& cursor) {
    pb::Genotype genotype;
    auto* resnet = genotype.mutable_resnet();
    int depth = depths[static_cast<std::size_t>(cursor.take(static_cast<int>(depths.size())))];
    resnet->set_depth(static_cast<pb::ResNetDepth>(depth));
    resnet->set_channel_scale(alpha[static_cast<std::size_t>(cursor.take(static_cast<int>(alpha.size())))]);
    resnet->set_resolution_divisor(divisor[static_cast<std::size_t>(cursor.take(static_cast<int>(divisor.size())))]);
    resnet->set_stem_relu_off(cursor.take(2) == 1);
    auto [stages, blocks] = knobs_per_depth.at(depth);
    for (int stage = 0; stage < most_stages; ++stage) {
      int bit = cursor.take(2);
      if (stage < stages) resnet->add_stage_culled(bit == 1);
    }
    for (int block = 0; block < most_blocks; ++block) {
      int bit = cursor.take(2);
      if (block < blocks) resnet->add_block_thinned(bit == 1);
    }
    return genotype;
  });
}

}  // namespace

std::unique_ptr<GenotypeEncoding> make_genotype_encoding(const spaces::SearchSpace& space) {
  std::string name = space.name();
  if (name == "nb201") return nb201_encoding();
  if (name == "cryptonas") return cryptonas_encoding(space);
  if (name == "sphynx") return sphynx_encoding(space);
  if (name == "resnet") return resnet_encoding(space);
  throw Error("no decision encoding for search space \"" + name + "\"");
}

}  // namespace pinas::nas
