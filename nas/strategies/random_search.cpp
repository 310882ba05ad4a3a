#include "nas/strategies/random_search.h"

#include "nas/strategies/detail/state_codec.h"

namespace pinas::nas {

RandomSearch::RandomSearch(DecisionSpace space, std::uint64_t seed) : space_(std::move(space)), generator_(seed) {}

Decisions RandomSearch::ask() { return detail::uniform_decisions(space_, generator_); }

void RandomSearch::tell(const Observation&) {}

std::string RandomSearch::save_state() const {
  return detail::encode_state({{"kind", "random"}, {"generator", detail::save_generator(generator_)}});
}

void RandomSearch::load_state(const std::string& bytes) {
  auto state = detail::decode_state(bytes, "random");
  detail::load_generator(generator_, state.at("generator").get<std::string>());
}

}  // namespace pinas::nas
