#pragma once

#include <memory>
#include <random>

#include "nas/strategies/strategy.h"

namespace pinas::nas {

namespace detail {
struct PolicyNetwork;
}

// REINFORCE with an LSTM controller over the decision sequence (Zoph & Le,
// ENAS, CryptoNAS): at step i the LSTM reads the embedding of decision i-1
// (a start token first) and a per-decision linear head gives the logits of
// decision i. Rewards are the accuracy of feasible candidates and 0 for
// infeasible ones; every `batch_size` tells the policy takes one Adam step on
// -(reward - baseline) * log p(decisions) - entropy_weight * entropy, with an
// exponential moving-average baseline. Sampling uses the strategy's own
// generator, and the weights start from it, so runs are reproducible.
class ReinforceController : public Strategy {
 public:
  ReinforceController(DecisionSpace space, const pb::StrategyConfig& config, std::uint64_t seed);
  ~ReinforceController() override;
  Decisions ask() override;
  void tell(const Observation& observation) override;
  std::string save_state() const override;
  void load_state(const std::string& bytes) override;

  // The policy's most likely candidate (greedy decoding), for tests and reports.
  Decisions most_likely() const;

 private:
  void update();

  DecisionSpace space_;
  pb::StrategyConfig config_;
  std::mt19937_64 generator_;
  std::unique_ptr<detail::PolicyNetwork> policy_;
  std::vector<Observation> pending_;
  double baseline_ = 0;
  bool baseline_set_ = false;
};

}  // namespace pinas::nas
