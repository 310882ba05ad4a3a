#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/nb201_space.h"
#include "search_spaces/resnet_space.h"
#include "search_spaces/search_space.h"

namespace pinas::spaces {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr int kSamples = 1000;

// The number of decisions in which two genotypes of the same space differ.
int edit_distance(const pb::Genotype& a, const pb::Genotype& b) {
  int distance = 0;
  auto count = [&](bool differs) { distance += differs ? 1 : 0; };
  if (a.has_cryptonas()) {
    const auto &x = a.cryptonas(), &y = b.cryptonas();
    count(x.num_layers() != y.num_layers());
    count(x.channels() != y.channels());
    for (int i = 0; i < std::min(x.layers_size(), y.layers_size()); ++i) {
      count(x.layers(i).op() != y.layers(i).op());
      std::set<int> p(x.layers(i).skips().begin(), x.layers(i).skips().end());
      std::set<int> q(y.layers(i).skips().begin(), y.layers(i).skips().end());
      std::vector<int> difference;
      std::set_symmetric_difference(p.begin(), p.end(), q.begin(), q.end(), std::back_inserter(difference));
      distance += static_cast<int>(difference.size());
    }
  } else if (a.has_sphynx()) {
    const auto &x = a.sphynx(), &y = b.sphynx();
    count(x.num_cells() != y.num_cells());
    count(x.channels() != y.channels());
    for (auto [p, q] : {std::pair{&x.normal(), &y.normal()}, std::pair{&x.reduction(), &y.reduction()}}) {
      for (int i = 0; i < 4; ++i) {
        for (auto [e, f] : {std::pair{&p->nodes(i).first(), &q->nodes(i).first()},
                            std::pair{&p->nodes(i).second(), &q->nodes(i).second()}}) {
          count(e->op() != f->op());
          count(e->input() != f->input());
        }
      }
    }
    std::set<int> p(x.reduction_positions().begin(), x.reduction_positions().end());
    std::set<int> q(y.reduction_positions().begin(), y.reduction_positions().end());
    std::vector<int> only_in_p;
    std::set_difference(p.begin(), p.end(), q.begin(), q.end(), std::back_inserter(only_in_p));
    distance += static_cast<int>(std::max(only_in_p.size(), q.size() > p.size() ? q.size() - p.size() : 0));
  } else if (a.has_nb201()) {
    for (int e = 0; e < 6; ++e) count(a.nb201().edges(e) != b.nb201().edges(e));
  } else {
    const auto &x = a.resnet(), &y = b.resnet();
    count(x.depth() != y.depth());
    count(x.channel_scale() != y.channel_scale());
    count(x.resolution_divisor() != y.resolution_divisor());
    count(x.stem_relu_off() != y.stem_relu_off());
    auto bit = [](const auto& bits, int i) { return i < bits.size() && bits.Get(i); };
    for (int s = 0; s < 4; ++s) count(bit(x.stage_culled(), s) != bit(y.stage_culled(), s));
    for (int i = 0; i < 27; ++i) count(bit(x.block_thinned(), i) != bit(y.block_thinned(), i));
  }
  return distance;
}

class EverySpace : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<SearchSpace> space_ = make_search_space(GetParam());
};

TEST_P(EverySpace, SamplingIsReproducibleForASeed) {
  std::mt19937_64 first(7), second(7);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(genotype_key(space_->sample(first)), genotype_key(space_->sample(second)));
  }
}

TEST_P(EverySpace, MutationMakesExactlyOneEditAndStaysValid) {
  std::mt19937_64 random(99);
  pb::Genotype genotype = space_->sample(random);
  for (int step = 0; step < kSamples; ++step) {
    const pb::Genotype child = space_->mutate(genotype, random);
    ASSERT_NO_THROW(space_->check(child));
    ASSERT_EQ(edit_distance(genotype, child), 1) << space_->describe(genotype) << " -> " << space_->describe(child);
    ASSERT_NE(genotype_key(child), genotype_key(genotype));
    const Architecture architecture = space_->build(child, kDefaultInputShape, kDefaultNumClasses);
    ASSERT_EQ(analyze(architecture).totals(), space_->count(child, kDefaultInputShape, kDefaultNumClasses));
    genotype = child;
  }
}

TEST_P(EverySpace, BuildsForOtherInputsAndClassCounts) {
  std::mt19937_64 random(5);
  for (int i = 0; i < 50; ++i) {
    const pb::Genotype genotype = space_->sample(random);
    const Architecture architecture = space_->build(genotype, {1, 28, 28}, 7);
    const CostReport report = analyze(architecture);
    EXPECT_EQ(report.output, (Shape{7, 1, 1}));
    EXPECT_EQ(architecture.node(architecture.input_node()).input_shape, (Shape{1, 28, 28}));
    EXPECT_EQ(space_->count(genotype, {1, 28, 28}, 7), report.totals());
  }
}

TEST_P(EverySpace, RejectsForeignAndMalformedGenotypes) {
  EXPECT_THROW(space_->check(pb::Genotype{}), SpaceError);
  EXPECT_THROW(space_->build(pb::Genotype{}, kDefaultInputShape, 10), SpaceError);
  std::mt19937_64 random(1);
  EXPECT_THROW(space_->build(space_->sample(random), {0, 32, 32}, 10), SpaceError);
  EXPECT_THROW(space_->parse("garbage"), SpaceError);
  EXPECT_GT(space_->size().approximate, 1000.0);
}

// The 1,000 samples of each space run as kShards tests of their own, so
// that ctest -j spreads them (the protobuf text round trip dominates).
constexpr int kShards = 4;

class SampleShard : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(SampleShard, SamplesAreValidDAGsWithConsistentReLUCountsAndRoundTrip) {
  const auto space_ = make_search_space(std::get<0>(GetParam()));
  std::mt19937_64 random(20240601 + std::get<1>(GetParam()));
  std::set<std::string> keys;
  for (int sample = 0; sample < kSamples / kShards; ++sample) {
    const pb::Genotype genotype = space_->sample(random);
    ASSERT_NO_THROW(space_->check(genotype));
    const std::string key = genotype_key(genotype);
    keys.insert(key);
    const Architecture architecture = space_->build(genotype, kDefaultInputShape, kDefaultNumClasses);
    SCOPED_TRACE(key);
    // A valid DAG: every node in the topological order, producers first.
    const auto order = architecture.topological_order();
    ASSERT_EQ(order.size(), architecture.num_nodes());
    std::vector<int> position(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = static_cast<int>(i);
    for (NodeId id = 0; id < architecture.num_nodes(); ++id) {
      for (NodeId input : architecture.inputs(id)) ASSERT_LT(position[input], position[id]);
    }
    const CostReport report = analyze(architecture);
    ASSERT_EQ(report.output, (Shape{kDefaultNumClasses, 1, 1}));
    // The ReLU total is the sum of the ReLU nodes' output sizes.
    std::int64_t relu_elements = 0;
    for (NodeId id = 0; id < architecture.num_nodes(); ++id) {
      if (architecture.node(id).op == OpType::ReLU) relu_elements += report.shape(id).elements();
    }
    ASSERT_EQ(report.relus, relu_elements);
    // The fast counting path agrees with the IR.
    ASSERT_EQ(space_->count(genotype, kDefaultInputShape, kDefaultNumClasses), report.totals());
    // Architecture round trips: binary and text.
    const Architecture from_bytes = from_binary(to_binary(architecture));
    ASSERT_EQ(from_bytes, architecture);
    const Architecture from_text = from_text_format(to_text_format(architecture));
    ASSERT_EQ(from_text, architecture);
    // Genotype round trips: binary, text and the readable string.
    pb::Genotype parsed;
    ASSERT_TRUE(parsed.ParseFromString(genotype.SerializeAsString()));
    ASSERT_TRUE(MessageDifferencer::Equals(parsed, genotype));
    pb::Genotype parsed_text;
    parse_text_message(print_text_message(genotype), "genotype", parsed_text);
    ASSERT_TRUE(MessageDifferencer::Equals(parsed_text, genotype));
    ASSERT_TRUE(MessageDifferencer::Equals(space_->parse(space_->describe(genotype)), genotype));
    ASSERT_EQ(architecture.genotype(), space_->describe(genotype));
    // IR -> genotype: the same decisions, plus the input and class count.
    const pb::Genotype recovered = genotype_of(architecture);
    ASSERT_EQ(space_->describe(recovered), space_->describe(genotype));
    ASSERT_EQ(Shape::from_proto(recovered.input_shape()), kDefaultInputShape);
    ASSERT_EQ(recovered.num_classes(), kDefaultNumClasses);
    ASSERT_EQ(architecture.space(), space_->name());
  }
  // Sampling actually explores the space.
  EXPECT_GT(keys.size(), std::get<0>(GetParam()) == "nb201" ? 225u : 248u);
}

INSTANTIATE_TEST_SUITE_P(SearchSpaces, SampleShard,
                         ::testing::Combine(::testing::Values("cryptonas", "sphynx", "nb201", "resnet"),
                                            ::testing::Range(0, kShards)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::to_string(std::get<1>(info.param));
                         });

INSTANTIATE_TEST_SUITE_P(SearchSpaces, EverySpace, ::testing::Values("cryptonas", "sphynx", "nb201", "resnet"),
                         [](const auto& info) { return info.param; });

TEST(SearchSpaces, FactoryNamesUnknownSpacesAndListsKnownOnes) {
  EXPECT_EQ(search_space_names(), (std::vector<std::string>{"cryptonas", "sphynx", "nb201", "resnet"}));
  try {
    make_search_space("darts");
    FAIL() << "no error";
  } catch (const SpaceError& error) {
    EXPECT_NE(std::string(error.what()).find("'darts'"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("nb201"), std::string::npos);
  }
}

TEST(Nb201, HasExactly15625CellsEnumeratedByIndex) {
  const auto space = make_search_space("nb201");
  EXPECT_EQ(space->size().exact, 15625u);
  EXPECT_EQ(space->size().to_string(), "15,625");
  std::set<std::string> cells;
  for (int index = 0; index < 15625; ++index) cells.insert(space->describe(Nb201Space::from_index(index)));
  EXPECT_EQ(cells.size(), 15625u);
}

TEST(Nb201, ReadsNasBench201Strings) {
  const auto space = make_search_space("nb201");
  const std::string text =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
  EXPECT_EQ(space->describe(space->parse(text)), text);
  EXPECT_THROW(space->parse("|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"),
               SpaceError);
}

TEST(Nb201, AllNoneCellIsZerosAndAllConvCellSharesReLUs) {
  const auto space = make_search_space("nb201");
  const CostReport none = analyze(space->build(Nb201Space::from_index(0), kDefaultInputShape, 10));
  // Only the reduction blocks (a ReLU on the block input and one inside) and
  // the last activation remain.
  const std::int64_t reductions = (16 * 32 * 32 + 32 * 16 * 16) + (32 * 16 * 16 + 64 * 8 * 8);
  EXPECT_EQ(none.relus, reductions + 64 * 8 * 8);
  // Every edge nor_conv_3x3: each of nodes 0, 1, 2 is activated once per cell.
  const pb::Genotype convs = space->parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  const CostReport conv_report = analyze(space->build(convs, kDefaultInputShape, 10));
  const std::int64_t per_stage = 3 * 5;
  EXPECT_EQ(conv_report.relus, per_stage * (16 * 1024 + 32 * 256 + 64 * 64) + reductions + 64 * 64);
}

TEST(CryptoNas, ReLUsAreLayersTimesBalancedLayerSize) {
  const auto space = make_search_space("cryptonas");
  std::mt19937_64 random(3);
  for (int i = 0; i < 100; ++i) {
    const pb::Genotype genotype = space->sample(random);
    const auto totals = space->count(genotype, kDefaultInputShape, 10);
    EXPECT_EQ(totals.relus, genotype.cryptonas().num_layers() * 32 * 32 * genotype.cryptonas().channels());
  }
}

TEST(Sphynx, ReLUsAreCellsTimesBalancedCellSize) {
  const auto space = make_search_space("sphynx");
  std::mt19937_64 random(4);
  for (int i = 0; i < 100; ++i) {
    const pb::Genotype genotype = space->sample(random);
    const auto totals = space->count(genotype, kDefaultInputShape, 10);
    EXPECT_EQ(totals.relus, genotype.sphynx().num_cells() * 32 * 32 * genotype.sphynx().channels());
  }
}

TEST(ResNet, DeepReDuceKnobsRemoveTheExpectedReLUs) {
  const auto space = make_search_space("resnet");
  pb::Genotype genotype = ResNetSpace::standard(pb::RESNET_18);
  const auto count = [&] { return space->count(genotype, kDefaultInputShape, 10).relus; };
  EXPECT_EQ(count(), 557056);
  genotype.mutable_resnet()->set_stem_relu_off(true);
  EXPECT_EQ(count(), 557056 - 65536);
  genotype.mutable_resnet()->set_stage_culled(0, true);  // stage 1: 4 ReLUs of 64x32x32
  EXPECT_EQ(count(), 557056 - 65536 - 4 * 65536);
  genotype.mutable_resnet()->set_block_thinned(7, true);  // last block: one ReLU of 512x4x4
  EXPECT_EQ(count(), 557056 - 5 * 65536 - 8192);
  genotype.mutable_resnet()->set_channel_scale(0.5);
  EXPECT_EQ(count(), (557056 - 5 * 65536 - 8192) / 2);
  genotype.mutable_resnet()->set_resolution_divisor(2);
  EXPECT_EQ(count(), (557056 - 5 * 65536 - 8192) / 8);
}

}  // namespace
}  // namespace pinas::spaces
