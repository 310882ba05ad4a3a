#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "proto/genotype.pb.h"

namespace pinas::nas {

namespace detail {
struct EnasPolicy;
}

// The ENAS macro controller's settings; the defaults are CryptoNAS' (ENAS').
struct EnasControllerOptions {
  int layers = 6;               // decisions: one op and the skips of each layer
  int ops = 6;                  // pb::CryptoNasOp values
  int hidden_size = 64;         // 1-layer LSTM width
  double tanh_constant = 1.5;   // op logits = tanh_constant * tanh(W h)
  double learning_rate = 1e-3;  // Adam
  double beta1 = 0.0;
  double beta2 = 0.999;
  double entropy_weight = 1e-4;  // reward = accuracy + entropy_weight * entropy
  double baseline_decay = 0.99;  // moving-average baseline
  double skip_target = 0.4;      // skip penalty KL(Bernoulli(p_skip) || Bernoulli(skip_target)) ...
  double skip_weight = 0.8;      // ... times skip_weight in the loss
};

// The policy's view of one architecture: sums over its decisions.
struct EnasScore {
  torch::Tensor log_probability;  // log p(architecture), scalar
  torch::Tensor entropy;  // sum of the entropies of every decision's distribution on this path
  torch::Tensor
      skip_penalty;  // mean over skip decisions of the KL to the skip target (0 without any)
};

// The per-decision distributions along one architecture's path (for tests
// and reports): op_logits[i] has `ops` entries, skip_logits[i] has i (the
// attention logit of each earlier layer; P(skip to j) = sigmoid(logit j)).
struct EnasLogits {
  std::vector<torch::Tensor> op_logits;
  std::vector<torch::Tensor> skip_logits;
};

// What one controller update saw.
struct EnasUpdateReport {
  double mean_accuracy = 0;
  double mean_reward = 0;   // accuracy + entropy bonus
  double mean_entropy = 0;  // of the sampled paths
  double baseline = 0;      // after the update
};

// The LSTM controller of ENAS' macro search with skip attention (Pham et
// al. 2018, as CryptoNAS runs it). Per layer i the 1-layer LSTM cell steps
// twice: first on the previous input, giving the op logits tanh_constant *
// tanh(W_op h); then on the chosen op's embedding, giving the skip
// attention: logit_j = v . tanh(W_anchor h_j + W_query h) over the earlier
// layers' second-step outputs h_j, each skip bit Bernoulli(sigmoid(logit_j)).
// The next input is the chosen layers' h_j summed and divided by 1 + their
// count (zero without skips); a learned start embedding before the first
// step and after layer 0.
// REINFORCE: reward = accuracy + entropy_weight * entropy (of every decision's
// distribution on the sampled path); the baseline is a moving average
// (initialized to the first reward, then decay per reward); the loss of an
// update is the mean over its samples of -(reward - baseline) * log p +
// skip_weight * skip penalty, and one Adam step is taken. Weights start
// uniform in [-0.1, 0.1] and sampling draws from the controller's own
// generator, both from `seed`, so runs are reproducible.
// Thread-safety: not thread-safe.
class EnasController {
 public:
  // Throws pinas::Error for layers < 1, ops < 2, hidden_size < 1, a
  // non-positive learning rate or tanh constant, decay or skip target
  // outside (0, 1), negative weights.
  EnasController(const EnasControllerOptions& options, std::uint64_t seed);
  ~EnasController();
  EnasController(const EnasController&) = delete;
  EnasController& operator=(const EnasController&) = delete;

  // An architecture drawn from the policy (num_layers = layers, channels 0).
  pb::CryptoNasGenotype sample();
  // The most likely op per layer and every skip with probability > 1/2,
  // decoded greedily. Does not touch the generator.
  pb::CryptoNasGenotype most_likely();
  // The policy's log probability, entropy and skip penalty of
  // `architecture`, differentiable in the controller's parameters. Throws
  // pinas::Error for a malformed architecture (layer count, op, skips).
  EnasScore score(const pb::CryptoNasGenotype& architecture);
  EnasLogits logits(const pb::CryptoNasGenotype& architecture);
  // One REINFORCE update from the architectures and their validation
  // accuracies (same length, at least one). Returns what it saw.
  EnasUpdateReport update(const std::vector<pb::CryptoNasGenotype>& architectures,
                          const std::vector<double>& accuracies);

  double baseline() const { return baseline_; }
  const EnasControllerOptions& options() const { return options_; }
  // The parameters (for tests: e.g. a known-answer entropy at zero weights).
  torch::nn::Module& module();

  // Weights, Adam state, generator and baseline as bytes, and back. load_state
  // throws pinas::Error for bytes of another controller shape or corrupt ones.
  std::string save_state() const;
  void load_state(const std::string& bytes);

 private:
  enum class Mode { kSample, kGreedy, kGiven };
  EnasScore walk(Mode mode, pb::CryptoNasGenotype& architecture, EnasLogits* logits);

  EnasControllerOptions options_;
  std::mt19937_64 generator_;
  std::unique_ptr<detail::EnasPolicy> policy_;
  double baseline_ = 0;
  bool baseline_set_ = false;
};

}  // namespace pinas::nas
