#include "nas/strategies/reinforce_controller.h"

#include <torch/torch.h>

#include <numeric>

#include "nas/strategies/detail/state_codec.h"

namespace pinas::nas {
namespace detail {

// The controller's parameters and optimizer. Decision i's options are rows
// offsets[i] .. offsets[i] + cardinalities[i] - 1 of the embedding table; the
// last row is the start token. One linear head per decision.
struct PolicyNetwork {
  PolicyNetwork(const DecisionSpace& space, int hidden, double learning_rate, std::mt19937_64& generator) {
    std::int64_t total = 0;
    for (int options : space.cardinalities) {
      offsets.push_back(total);
      total += options;
    }
    start_token = total;
    embedding = module->register_module("embedding", torch::nn::Embedding(total + 1, hidden));
    lstm = module->register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(hidden, hidden)));
    for (std::size_t i = 0; i < space.cardinalities.size(); ++i)
      heads.push_back(module->register_module("head" + std::to_string(i),
                                              torch::nn::Linear(hidden, space.cardinalities[i])));
    // Weights from the strategy's generator, not LibTorch's global one.
    torch::NoGradGuard no_grad;
    std::uniform_real_distribution<float> uniform(-0.1f, 0.1f);
    for (auto& parameter : module->parameters()) {
      std::vector<float> values(static_cast<std::size_t>(parameter.numel()));
      for (float& value : values) value = uniform(generator);
      parameter.copy_(torch::from_blob(values.data(), parameter.sizes(), torch::kFloat32));
    }
    optimizer = std::make_unique<torch::optim::Adam>(module->parameters(), torch::optim::AdamOptions(learning_rate));
  }

  // Logits of every decision given the previous decisions (teacher forcing):
  // one LSTM pass over [start, d0, ..., d_{n-2}].
  std::vector<torch::Tensor> logits_for(const Decisions& decisions) {
    std::vector<std::int64_t> tokens{start_token};
    for (std::size_t i = 0; i + 1 < decisions.size(); ++i) tokens.push_back(offsets[i] + decisions[i]);
    auto input = embedding(torch::tensor(tokens, torch::kInt64)).unsqueeze(1);  // [n, 1, hidden]
    auto output = std::get<0>(lstm->forward(input));                         // [n, 1, hidden]
    std::vector<torch::Tensor> logits;
    for (std::size_t i = 0; i < decisions.size(); ++i) logits.push_back(heads[i](output[static_cast<std::int64_t>(i)][0]));
    return logits;
  }

  std::shared_ptr<torch::nn::Module> module = std::make_shared<torch::nn::Module>();
  torch::nn::Embedding embedding{nullptr};
  torch::nn::LSTM lstm{nullptr};
  std::vector<torch::nn::Linear> heads;
  std::unique_ptr<torch::optim::Adam> optimizer;
  std::vector<std::int64_t> offsets;
  std::int64_t start_token = 0;
};

}  // namespace detail

ReinforceController::ReinforceController(DecisionSpace space, const pb::StrategyConfig& config, std::uint64_t seed)
    : space_(std::move(space)), config_(config), generator_(seed) {
  policy_ = std::make_unique<detail::PolicyNetwork>(space_, config_.hidden_size(), config_.learning_rate(), generator_);
}

ReinforceController::~ReinforceController() = default;

Decisions ReinforceController::ask() {
  torch::NoGradGuard no_grad;
  Decisions decisions;
  auto& policy = *policy_;
  auto token = torch::tensor({policy.start_token}, torch::kInt64);
  c10::optional<std::tuple<torch::Tensor, torch::Tensor>> state;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t i = 0; i < space_.cardinalities.size(); ++i) {
    auto input = policy.embedding(token).unsqueeze(1);  // [1, 1, hidden]
    auto [output, next_state] = policy.lstm->forward(input, state);
    state = next_state;
    auto probabilities = torch::softmax(policy.heads[i](output[0][0]), 0).to(torch::kFloat64).contiguous();
    const double* p = probabilities.data_ptr<double>();
    double draw = unit(generator_);
    int choice = space_.cardinalities[i] - 1;
    double cumulative = 0;
    for (int option = 0; option < space_.cardinalities[i]; ++option) {
      cumulative += p[option];
      if (draw < cumulative) {
        choice = option;
        break;
      }
    }
    decisions.push_back(choice);
    token = torch::tensor({policy.offsets[i] + choice}, torch::kInt64);
  }
  return decisions;
}

Decisions ReinforceController::most_likely() const {
  torch::NoGradGuard no_grad;
  Decisions decisions;
  auto& policy = *policy_;
  auto token = torch::tensor({policy.start_token}, torch::kInt64);
  c10::optional<std::tuple<torch::Tensor, torch::Tensor>> state;
  for (std::size_t i = 0; i < space_.cardinalities.size(); ++i) {
    auto [output, next_state] = policy.lstm->forward(policy.embedding(token).unsqueeze(1), state);
    state = next_state;
    int choice = static_cast<int>(policy.heads[i](output[0][0]).argmax().item<std::int64_t>());
    decisions.push_back(choice);
    token = torch::tensor({policy.offsets[i] + choice}, torch::kInt64);
  }
  return decisions;
}

void ReinforceController::tell(const Observation& observation) {
  pending_.push_back(observation);
  if (pending_.size() >= static_cast<std::size_t>(config_.batch_size())) update();
}

void ReinforceController::update() {
  auto& policy = *policy_;
  std::vector<double> rewards;
  for (const Observation& observation : pending_) rewards.push_back(observation.feasible ? observation.accuracy : 0.0);
  double mean_reward = std::accumulate(rewards.begin(), rewards.end(), 0.0) / static_cast<double>(rewards.size());
  if (!baseline_set_) {
    baseline_ = mean_reward;
    baseline_set_ = true;
  }
  policy.optimizer->zero_grad();
  torch::Tensor loss = torch::zeros({});
  for (std::size_t k = 0; k < pending_.size(); ++k) {
    auto logits = policy.logits_for(pending_[k].decisions);
    torch::Tensor log_probability = torch::zeros({});
    torch::Tensor entropy = torch::zeros({});
    for (std::size_t i = 0; i < logits.size(); ++i) {
      auto log_softmax = torch::log_softmax(logits[i], 0);
      log_probability = log_probability + log_softmax[pending_[k].decisions[i]];
      entropy = entropy - (log_softmax.exp() * log_softmax).sum();
    }
    double advantage = rewards[k] - baseline_;
    loss = loss - advantage * log_probability - config_.entropy_weight() * entropy;
  }
  loss = loss / static_cast<double>(pending_.size());
  loss.backward();
  policy.optimizer->step();
  for (double reward : rewards) baseline_ = config_.baseline_decay() * baseline_ + (1 - config_.baseline_decay()) * reward;
  pending_.clear();
}

std::string ReinforceController::save_state() const {
  torch::serialize::OutputArchive archive;
  policy_->module->save(archive);
  torch::serialize::OutputArchive optimizer_archive;
  policy_->optimizer->save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  std::ostringstream weights;
  archive.save_to(weights);
  std::string bytes = weights.str();
  nlohmann::json pending = nlohmann::json::array();
  for (const Observation& observation : pending_)
    pending.push_back({{"d", observation.decisions}, {"a", observation.accuracy}, {"c", observation.cost},
                       {"f", observation.feasible}});
  return detail::encode_state({{"kind", "reinforce"},
                               {"generator", detail::save_generator(generator_)},
                               {"baseline", baseline_},
                               {"baseline_set", baseline_set_},
                               {"pending", pending},
                               {"weights", nlohmann::json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()))}});
}

void ReinforceController::load_state(const std::string& bytes) {
  auto state = detail::decode_state(bytes, "reinforce");
  try {
    std::vector<Observation> pending;
    for (const auto& item : state.at("pending"))
      pending.push_back({detail::checked_decisions(item.at("d"), space_), item.at("a").get<double>(),
                         item.at("c").get<double>(), item.at("f").get<bool>()});
    const auto& binary = state.at("weights").get_binary();
    std::istringstream weights(std::string(binary.begin(), binary.end()));
    torch::serialize::InputArchive archive;
    archive.load_from(weights);
    policy_->module->load(archive);
    torch::serialize::InputArchive optimizer_archive;
    archive.read("optimizer", optimizer_archive);
    policy_->optimizer->load(optimizer_archive);
    detail::load_generator(generator_, state.at("generator").get<std::string>());
    baseline_ = state.at("baseline").get<double>();
    baseline_set_ = state.at("baseline_set").get<bool>();
    pending_ = std::move(pending);
  } catch (const nlohmann::json::exception& error) {
    throw StrategyStateError(std::string("reinforce state is malformed: ") + error.what());
  } catch (const c10::Error& error) {
    throw StrategyStateError(std::string("reinforce weights are unreadable: ") + error.what_without_backtrace());
  }
}

}  // namespace pinas::nas
