#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "cost_models/cost_model.h"
#include "proto/genotype.pb.h"

namespace pinas::cost {

// Batch cost queries (`pinas cost --batch`), so an external search loop in
// any language can pipe candidates through a cost model.

// One candidate line: a genotype key as `pinas top` prints it
// ("nb201:...", spaces::parse_genotype_key), or a one-line protobuf text
// genotype ("nb201 { ... }"). Throws spaces::SpaceError naming what is wrong.
pb::Genotype parse_candidate(const std::string& line);

// The answer for one candidate line: {"candidate" (its genotype key),
// "model", "unit", "cost", "relus", ...}; with the ReLU-count model also
// "macs" and "params" (counted without building the graph), with the PI
// model "offline_bytes", "online_bytes", "offline_s", "online_s",
// "online_rounds". A genotype without input_shape / num_classes is built for
// 3x32x32 and 10 classes. Throws pinas::Error for a bad line or a candidate
// the model cannot cost. Thread-safe if the model is.
nlohmann::json cost_candidate(const std::string& line, const CostModel& model);

// Reads candidates from `in` until its end and writes one JSON line per
// candidate to `out`: the answer plus "line" (1-based), or {"line", "input",
// "error"} for a line that fails, without stopping. Empty lines and lines
// starting with '#' are skipped. Output is flushed whenever no more input is
// buffered, so a caller that writes one candidate and waits for its answer
// never deadlocks. Returns the number of failed lines.
std::int64_t run_cost_batch(std::istream& in, std::ostream& out, const CostModel& model);

}  // namespace pinas::cost
