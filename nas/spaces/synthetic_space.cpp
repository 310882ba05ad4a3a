#include "nas/spaces/synthetic_space.h"

namespace pinas::nas {

SyntheticSpace::SyntheticSpace(int decisions, int choices) {
  space_.cardinalities.assign(static_cast<std::size_t>(decisions), choices);
}

Candidate SyntheticSpace::realize(const Decisions& decisions) const {
  if (decisions.size() != space_.cardinalities.size())
    throw InvalidCandidate("synthetic candidate has the wrong number of decisions");
  Candidate candidate;
  candidate.key = "synthetic:";
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (decisions[i] < 0 || decisions[i] >= space_.cardinalities[i])
      throw InvalidCandidate("synthetic decision " + std::to_string(i) + " is out of range");
    if (i > 0) candidate.key += '-';  // piecewise: GCC 12 misreads `"-" + to_string` (-Wstringop-overflow)
    candidate.key += std::to_string(decisions[i]);
    candidate.relus += (decisions[i] + 1) * 1000;
    candidate.params += decisions[i] * 10 + 1;
  }
  candidate.macs = candidate.relus * 100;
  return candidate;
}

}  // namespace pinas::nas
