#include "nas/strategies/derived_candidates.h"

#include <fmt/format.h>

#include "nas/strategies/detail/state_codec.h"

namespace pinas::nas {

DerivedCandidateSpace::DerivedCandidateSpace(std::unique_ptr<spaces::SearchSpace> space,
                                             std::vector<pb::Genotype> genotypes,
                                             spaces::Shape input, std::int64_t num_classes)
    : space_(std::move(space)),
      genotypes_(std::move(genotypes)),
      input_(input),
      num_classes_(num_classes) {
  if (genotypes_.empty()) throw Error("a weight-sharing search derived no network to train");
  for (auto& genotype : genotypes_) {
    genotype.mutable_input_shape()->set_channels(input_.channels);
    genotype.mutable_input_shape()->set_height(input_.height);
    genotype.mutable_input_shape()->set_width(input_.width);
    genotype.set_num_classes(num_classes_);
  }
  decision_space_.cardinalities = {static_cast<int>(genotypes_.size())};
}

Candidate DerivedCandidateSpace::realize(const Decisions& decisions) const {
  if (decisions.size() != 1 || decisions[0] < 0 ||
      decisions[0] >= static_cast<int>(genotypes_.size()))
    throw InvalidCandidate("decisions do not name a derived network");
  const pb::Genotype& genotype = genotypes_[static_cast<std::size_t>(decisions[0])];
  Candidate candidate;
  try {
    space_->check(genotype);
    const auto totals = space_->count(genotype, input_, num_classes_);
    candidate.key = spaces::genotype_key(genotype);
    candidate.relus = totals.relus;
    candidate.macs = totals.macs;
    candidate.params = totals.params;
  } catch (const Error& error) {
    throw InvalidCandidate(error.what());
  }
  candidate.genotype_proto = genotype.SerializeAsString();
  return candidate;
}

DerivedGenotypeStrategy::DerivedGenotypeStrategy(int count) : count_(count) {
  if (count_ < 1) throw Error("a weight-sharing search derived no network to train");
}

Decisions DerivedGenotypeStrategy::ask() {
  return {static_cast<int>(next_++ % count_)};
}

std::string DerivedGenotypeStrategy::save_state() const {
  return detail::encode_state({{"kind", "derived"}, {"count", count_}, {"next", next_}});
}

void DerivedGenotypeStrategy::load_state(const std::string& bytes) {
  const auto state = detail::decode_state(bytes, "derived");
  try {
    if (state.at("count").get<int>() != count_)
      throw StrategyStateError(fmt::format("strategy state is for {} derived networks, not {}",
                                           state.at("count").get<int>(), count_));
    next_ = state.at("next").get<std::int64_t>();
  } catch (const nlohmann::json::exception& error) {
    throw StrategyStateError(std::string("strategy state of derived networks is corrupt: ") +
                             error.what());
  }
}

}  // namespace pinas::nas
