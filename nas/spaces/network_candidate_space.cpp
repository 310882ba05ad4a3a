#include "nas/spaces/network_candidate_space.h"

#include <fmt/format.h>

#include "nas/config/experiment_config.h"
#include "nas/spaces/synthetic_space.h"

namespace pinas::nas {

NetworkCandidateSpace::NetworkCandidateSpace(std::unique_ptr<spaces::SearchSpace> space, spaces::Shape input,
                                             std::int64_t num_classes)
    : space_(std::move(space)), encoding_(make_genotype_encoding(*space_)), input_(input), num_classes_(num_classes) {}

Candidate NetworkCandidateSpace::realize(const Decisions& decisions) const {
  pb::Genotype genotype;
  spaces::CostTotals totals;
  try {
    genotype = encoding_->decode(decisions);
    genotype.mutable_input_shape()->set_channels(input_.channels);
    genotype.mutable_input_shape()->set_height(input_.height);
    genotype.mutable_input_shape()->set_width(input_.width);
    genotype.set_num_classes(num_classes_);
    space_->check(genotype);
    totals = space_->count(genotype, input_, num_classes_);
  } catch (const Error& error) {
    throw InvalidCandidate(error.what());
  }
  Candidate candidate;
  candidate.key = spaces::genotype_key(genotype);
  candidate.genotype_proto = genotype.SerializeAsString();
  candidate.relus = totals.relus;
  candidate.macs = totals.macs;
  candidate.params = totals.params;
  return candidate;
}

std::unique_ptr<CandidateSpace> make_candidate_space(const pb::ExperimentConfig& config) {
  if (config.space() == "synthetic")
    return std::make_unique<SyntheticSpace>(config.synthetic_space().decisions(), config.synthetic_space().choices());
  std::unique_ptr<spaces::SearchSpace> space;
  try {
    space = spaces::make_search_space(config.space());
  } catch (const Error& error) {
    throw ConfigError(fmt::format("field space: {}", error.what()));
  }
  // Fashion-MNIST: 1x28x28, 10 classes; CIFAR (and no dataset): 3x32x32.
  spaces::Shape input = spaces::kDefaultInputShape;
  std::int64_t classes = 10;
  if (config.dataset().name() == "fashion-mnist") input = spaces::Shape{1, 28, 28};
  if (config.dataset().name().rfind("cifar100:", 0) == 0) classes = 100;
  return std::make_unique<NetworkCandidateSpace>(std::move(space), input, classes);
}

}  // namespace pinas::nas
