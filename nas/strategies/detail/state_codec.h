#pragma once

#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "nas/strategies/strategy.h"

namespace pinas::nas::detail {

// Strategy states are CBOR-encoded JSON objects with a "kind" tag, so a state
// from another strategy or a corrupt blob is refused rather than misread.
inline std::string encode_state(const nlohmann::json& state) {
  auto bytes = nlohmann::json::to_cbor(state);
  return std::string(bytes.begin(), bytes.end());
}

inline nlohmann::json decode_state(const std::string& bytes, const std::string& kind) {
  nlohmann::json state;
  try {
    state = nlohmann::json::from_cbor(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  } catch (const nlohmann::json::exception& error) {
    throw StrategyStateError("strategy state of " + kind + " is corrupt: " + error.what());
  }
  if (!state.is_object() || state.value("kind", "") != kind)
    throw StrategyStateError("strategy state is not from a " + kind + " strategy");
  return state;
}

inline std::string save_generator(const std::mt19937_64& generator) {
  std::ostringstream out;
  out << generator;
  return out.str();
}

inline void load_generator(std::mt19937_64& generator, const std::string& text) {
  std::istringstream in(text);
  in >> generator;
  if (!in) throw StrategyStateError("strategy state holds a corrupt generator state");
}

inline Decisions uniform_decisions(const DecisionSpace& space, std::mt19937_64& generator) {
  Decisions decisions(space.cardinalities.size());
  for (std::size_t i = 0; i < decisions.size(); ++i)
    decisions[i] = static_cast<int>(generator() % static_cast<std::uint64_t>(space.cardinalities[i]));
  return decisions;
}

// Checks a decoded candidate against the space's shape.
inline Decisions checked_decisions(const nlohmann::json& value, const DecisionSpace& space) {
  Decisions decisions = value.get<Decisions>();
  if (decisions.size() != space.cardinalities.size())
    throw StrategyStateError("strategy state is for a different decision space");
  for (std::size_t i = 0; i < decisions.size(); ++i)
    if (decisions[i] < 0 || decisions[i] >= space.cardinalities[i])
      throw StrategyStateError("strategy state holds an out-of-range decision");
  return decisions;
}

}  // namespace pinas::nas::detail
