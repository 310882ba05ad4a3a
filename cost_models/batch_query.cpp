#include "cost_models/batch_query.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "cost_models/relu_count_cost_model.h"
#include "search_spaces/errors.h"
#include "search_spaces/search_space.h"

namespace pinas::cost {

pb::Genotype parse_candidate(const std::string& line) {
  const auto brace = line.find('{');
  const auto colon = line.find(':');
  if (brace != std::string::npos && (colon == std::string::npos || brace < colon)) {
    pb::Genotype genotype;
    google::protobuf::TextFormat::Parser parser;
    parser.AllowPartialMessage(false);
    // The parser reports through a collector; one clear message is enough here.
    class Collector : public google::protobuf::io::ErrorCollector {
     public:
      void AddError(int, int column, const std::string& message) override {
        if (first.empty()) first = "column " + std::to_string(column + 1) + ": " + message;
      }
      std::string first;
    } collector;
    parser.RecordErrorsTo(&collector);
    if (!parser.ParseFromString(line, &genotype)) {
      throw spaces::SpaceError("not a protobuf text genotype (" + collector.first + ")");
    }
    return genotype;
  }
  return spaces::parse_genotype_key(line);
}

nlohmann::json cost_candidate(const std::string& line, const CostModel& model) {
  const pb::Genotype genotype = parse_candidate(line);
  nlohmann::json result;
  result["candidate"] = spaces::genotype_key(genotype);
  result["model"] = model.name();
  result["unit"] = model.unit();
  if (dynamic_cast<const ReluCountCostModel*>(&model) != nullptr) {
    // The fast path a search screens with: totals without building the graph.
    const auto space = spaces::make_search_space(genotype);
    const spaces::Shape input = genotype.has_input_shape()
                                    ? spaces::Shape::from_proto(genotype.input_shape())
                                    : spaces::kDefaultInputShape;
    const std::int64_t classes =
        genotype.num_classes() != 0 ? genotype.num_classes() : spaces::kDefaultNumClasses;
    const spaces::CostTotals totals = space->count(genotype, input, classes);
    result["cost"] = totals.relus;
    result["relus"] = totals.relus;
    result["macs"] = totals.macs;
    result["params"] = totals.params;
    return result;
  }
  const spaces::Architecture architecture = spaces::build_genotype(genotype);
  const CostEstimate estimate = model.estimate(architecture);
  result["cost"] = estimate.cost;
  result["relus"] = estimate.totals.relus;
  result["offline_bytes"] = estimate.offline_bytes;
  result["online_bytes"] = estimate.online_bytes;
  result["offline_s"] = estimate.offline_seconds;
  result["online_s"] = estimate.online_seconds;
  result["online_rounds"] = estimate.online_rounds;
  return result;
}

std::int64_t run_cost_batch(std::istream& in, std::ostream& out, const CostModel& model) {
  std::string line;
  std::int64_t number = 0, failed = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t");
    const std::string candidate = line.substr(first, last - first + 1);
    nlohmann::json answer;
    try {
      answer = cost_candidate(candidate, model);
      answer["line"] = number;
    } catch (const std::exception& error) {
      answer = {{"line", number}, {"input", candidate}, {"error", error.what()}};
      ++failed;
    }
    out << answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (in.rdbuf()->in_avail() <= 0) out.flush();
  }
  out.flush();
  return failed;
}

}  // namespace pinas::cost
