#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "cost_models/batch_query.h"
#include "cost_models/pi_cost_model.h"
#include "cost_models/relu_count_cost_model.h"
#include "search_spaces/search_space.h"

namespace pinas::cost {
namespace {

std::vector<nlohmann::json> answers(const std::string& input, const CostModel& model,
                                    std::int64_t* failed = nullptr) {
  std::istringstream in(input);
  std::ostringstream out;
  const std::int64_t failures = run_cost_batch(in, out, model);
  if (failed) *failed = failures;
  std::vector<nlohmann::json> lines;
  std::istringstream reader(out.str());
  for (std::string line; std::getline(reader, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(CostBatch, KeysAndTextGenotypesOfEverySpaceGetTheirExactReluCount) {
  const ReluCountCostModel model;
  std::mt19937_64 random(5);
  std::string input;
  std::vector<std::int64_t> expected;
  for (const std::string& name : spaces::search_space_names()) {
    const auto space = spaces::make_search_space(name);
    for (int i = 0; i < 3; ++i) {
      const pb::Genotype genotype = space->sample(random);
      input += spaces::genotype_key(genotype) + "\n";
      expected.push_back(spaces::analyze(spaces::build_genotype(genotype)).relus);
      std::string text;
      google::protobuf::TextFormat::Printer printer;
      printer.SetSingleLineMode(true);
      printer.PrintToString(genotype, &text);
      input += text + "\n";
      expected.push_back(expected.back());
    }
  }
  const auto lines = answers(input, model);
  ASSERT_EQ(lines.size(), expected.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_FALSE(lines[i].contains("error")) << lines[i].dump();
    EXPECT_EQ(lines[i]["relus"].get<std::int64_t>(), expected[i]) << lines[i].dump();
    EXPECT_EQ(lines[i]["line"].get<std::int64_t>(), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(lines[i]["unit"], "ReLUs");
  }
  // A key round-trips: the answer names the candidate as `pinas top` does.
  EXPECT_EQ(lines[0]["candidate"].get<std::string>() + "\n", input.substr(0, input.find('\n') + 1));
}

TEST(CostBatch, BadLinesBecomeErrorLinesAndTheBatchGoesOn) {
  const ReluCountCostModel model;
  const std::string good =
      "nb201:|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|skip_connect~"
      "2|";
  const std::string input = good + "\n\n# a comment\nmoonshot:abc\nnb201 { oops }\nnb201:|bad|\n" +
                            good + "@3x16x16/100\n";
  std::int64_t failed = 0;
  const auto lines = answers(input, model, &failed);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_FALSE(lines[0].contains("error")) << lines[0].dump();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(lines[i].contains("error")) << lines[i].dump();
    EXPECT_FALSE(lines[i]["error"].get<std::string>().empty());
  }
  EXPECT_EQ(lines[1]["line"], 4);
  EXPECT_EQ(lines[1]["input"], "moonshot:abc");
  EXPECT_EQ(failed, 3);
  // The shape suffix is honoured: 16x16 inputs have a quarter of the ReLUs.
  EXPECT_EQ(lines[4]["candidate"], good + "@3x16x16/100");
  EXPECT_EQ(lines[4]["relus"].get<std::int64_t>() * 4, lines[0]["relus"].get<std::int64_t>());
}

TEST(CostBatch, PiModelAnswersMatchItsEstimate) {
  pb::PiCalibration calibration;
  calibration.set_ring_bits(48);
  calibration.set_fractional_bits(10);
  calibration.mutable_unit_costs()->set_relu_online_seconds(1e-6);
  *calibration.mutable_network() = network_preset("lan");
  const PiCostModel model(calibration);
  const std::string key =
      "nb201:|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|skip_connect~"
      "2|";
  const auto lines = answers(key + "\n", model);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_FALSE(lines[0].contains("error")) << lines[0].dump();
  const auto estimate = model.estimate(spaces::build_genotype(spaces::parse_genotype_key(key)));
  EXPECT_DOUBLE_EQ(lines[0]["cost"].get<double>(), estimate.cost);
  EXPECT_DOUBLE_EQ(lines[0]["offline_bytes"].get<double>(), estimate.offline_bytes);
  EXPECT_EQ(lines[0]["online_rounds"].get<std::int64_t>(), estimate.online_rounds);
  EXPECT_EQ(lines[0]["unit"], "s");
}

}  // namespace
}  // namespace pinas::cost
