#include "nas/strategies/enas_controller.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "nas/strategies/detail/state_codec.h"

namespace pinas::nas {
namespace detail {

// The controller's parameters and optimizer.
struct EnasPolicy {
  EnasPolicy(const EnasControllerOptions& options, std::mt19937_64& generator) {
    const int hidden = options.hidden_size;
    start = module->register_parameter("start", torch::zeros({1, hidden}));
    cell = module->register_module("lstm", torch::nn::LSTMCell(hidden, hidden));
    op_head = module->register_module(
        "op_head", torch::nn::Linear(torch::nn::LinearOptions(hidden, options.ops).bias(false)));
    embedding = module->register_module("op_embedding", torch::nn::Embedding(options.ops, hidden));
    anchor = module->register_module(
        "anchor", torch::nn::Linear(torch::nn::LinearOptions(hidden, hidden).bias(false)));
    query = module->register_module(
        "query", torch::nn::Linear(torch::nn::LinearOptions(hidden, hidden).bias(false)));
    attention = module->register_module(
        "attention", torch::nn::Linear(torch::nn::LinearOptions(hidden, 1).bias(false)));
    // ENAS' uniform initializer, drawn from the controller's generator.
    torch::NoGradGuard no_grad;
    std::uniform_real_distribution<float> uniform(-0.1f, 0.1f);
    for (auto& parameter : module->parameters()) {
      std::vector<float> values(static_cast<std::size_t>(parameter.numel()));
      for (float& value : values) value = uniform(generator);
      parameter.copy_(torch::from_blob(values.data(), parameter.sizes(), torch::kFloat32));
    }
    optimizer = std::make_unique<torch::optim::Adam>(
        module->parameters(),
        torch::optim::AdamOptions(options.learning_rate).betas({options.beta1, options.beta2}));
  }

  std::shared_ptr<torch::nn::Module> module = std::make_shared<torch::nn::Module>();
  torch::Tensor start;
  torch::nn::LSTMCell cell{nullptr};
  torch::nn::Linear op_head{nullptr};
  torch::nn::Embedding embedding{nullptr};
  torch::nn::Linear anchor{nullptr};
  torch::nn::Linear query{nullptr};
  torch::nn::Linear attention{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer;
};

}  // namespace detail

namespace {

void check_options(const EnasControllerOptions& options) {
  auto refuse = [](const std::string& why) { throw Error("enas controller: " + why); };
  if (options.layers < 1 || options.layers > 64) refuse("layers must be in 1..64");
  if (options.ops < 2) refuse("there must be at least 2 ops");
  if (options.hidden_size < 1 || options.hidden_size > 4096)
    refuse("hidden_size must be in 1..4096");
  if (!(options.tanh_constant > 0)) refuse("tanh_constant must be positive");
  if (!(options.learning_rate > 0)) refuse("learning_rate must be positive");
  if (!(options.beta1 >= 0 && options.beta1 < 1) || !(options.beta2 > 0 && options.beta2 < 1))
    refuse("Adam betas must be in [0, 1) and (0, 1)");
  if (!(options.baseline_decay > 0 && options.baseline_decay < 1))
    refuse("baseline_decay must be in (0, 1)");
  if (!(options.skip_target > 0 && options.skip_target < 1))
    refuse("skip_target must be in (0, 1)");
  if (!(options.entropy_weight >= 0) || !(options.skip_weight >= 0))
    refuse("entropy_weight and skip_weight must not be negative");
}

void check_architecture(const pb::CryptoNasGenotype& architecture,
                        const EnasControllerOptions& options) {
  if (architecture.layers_size() != options.layers)
    throw Error(fmt::format("enas controller: the architecture has {} layers, the controller {}",
                            architecture.layers_size(), options.layers));
  for (int i = 0; i < architecture.layers_size(); ++i) {
    const auto& layer = architecture.layers(i);
    if (layer.op() < 0 || layer.op() >= options.ops)
      throw Error(fmt::format("enas controller: layers[{}].op: unknown op {}", i,
                              static_cast<int>(layer.op())));
    int previous = -1;
    for (int skip : layer.skips()) {
      if (skip <= previous || skip >= i)
        throw Error(fmt::format(
            "enas controller: layers[{}].skips: must be strictly increasing earlier layers, got {}",
            i, skip));
      previous = skip;
    }
  }
}

}  // namespace

EnasController::EnasController(const EnasControllerOptions& options, std::uint64_t seed)
    : options_(options), generator_(seed) {
  check_options(options_);
  policy_ = std::make_unique<detail::EnasPolicy>(options_, generator_);
}

EnasController::~EnasController() = default;

torch::nn::Module& EnasController::module() {
  return *policy_->module;
}

EnasScore EnasController::walk(Mode mode, pb::CryptoNasGenotype& architecture, EnasLogits* logits) {
  auto& policy = *policy_;
  std::optional<torch::NoGradGuard> no_grad;
  if (mode != Mode::kGiven) {
    no_grad.emplace();
    architecture.Clear();
    architecture.set_num_layers(options_.layers);
    for (int i = 0; i < options_.layers; ++i) architecture.add_layers();
  } else {
    check_architecture(architecture, options_);
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double log_target = std::log(options_.skip_target);
  const double log_other = std::log(1.0 - options_.skip_target);
  const int64_t hidden = options_.hidden_size;
  torch::Tensor h = torch::zeros({1, hidden}), c = torch::zeros({1, hidden});
  torch::Tensor input = policy.start;
  torch::Tensor log_probability = torch::zeros({}), entropy = torch::zeros({}),
                skip_divergence = torch::zeros({});
  int64_t skip_decisions = 0;
  std::vector<torch::Tensor> anchors, keys;
  for (int i = 0; i < options_.layers; ++i) {
    auto& layer = *architecture.mutable_layers(i);
    std::tie(h, c) = policy.cell(input, std::make_tuple(h, c));
    const auto op_logits = options_.tanh_constant * torch::tanh(policy.op_head(h)).squeeze(0);
    const auto log_softmax = torch::log_softmax(op_logits, 0);
    if (logits) logits->op_logits.push_back(op_logits);
    if (mode == Mode::kSample) {
      const auto p = log_softmax.exp().to(torch::kFloat64).contiguous();
      const double* probabilities = p.data_ptr<double>();
      const double draw = unit(generator_);
      int choice = options_.ops - 1;
      double cumulative = 0;
      for (int op = 0; op < options_.ops; ++op) {
        cumulative += probabilities[op];
        if (draw < cumulative) {
          choice = op;
          break;
        }
      }
      layer.set_op(static_cast<pb::CryptoNasOp>(choice));
    } else if (mode == Mode::kGreedy) {
      layer.set_op(static_cast<pb::CryptoNasOp>(op_logits.argmax().item<int64_t>()));
    }
    const int op = static_cast<int>(layer.op());
    log_probability = log_probability + log_softmax[op];
    entropy = entropy - (log_softmax.exp() * log_softmax).sum();

    input = policy.embedding(torch::tensor({static_cast<int64_t>(op)}, torch::kInt64));
    std::tie(h, c) = policy.cell(input, std::make_tuple(h, c));
    if (i == 0) {
      input = policy.start;
    } else {
      const auto skip_logits =
          policy.attention(torch::tanh(torch::cat(keys, 0) + policy.query(h))).squeeze(1);  // [i]
      if (logits) logits->skip_logits.push_back(skip_logits);
      const auto log_on = torch::log_sigmoid(skip_logits);
      const auto log_off = torch::log_sigmoid(-skip_logits);
      const auto probability = log_on.exp();
      if (mode != Mode::kGiven) {
        const auto p = probability.to(torch::kFloat64).contiguous();
        for (int j = 0; j < i; ++j) {
          const double on = p.data_ptr<double>()[j];
          const bool skip = mode == Mode::kSample ? unit(generator_) < on : on > 0.5;
          if (skip) layer.add_skips(j);
        }
      }
      auto chosen = torch::zeros({static_cast<int64_t>(i)});
      for (int skip : layer.skips()) chosen[skip] = 1.0;
      log_probability = log_probability + (chosen * log_on + (1 - chosen) * log_off).sum();
      entropy = entropy - (probability * log_on + (1 - probability) * log_off).sum();
      skip_divergence =
          skip_divergence +
          (probability * (log_on - log_target) + (1 - probability) * (log_off - log_other)).sum();
      skip_decisions += i;
      input = torch::zeros({1, hidden});
      for (int skip : layer.skips()) input = input + anchors[skip];
      input = input / (1.0 + layer.skips_size());
    }
    anchors.push_back(h);
    keys.push_back(policy.anchor(h));
  }
  EnasScore score;
  score.log_probability = log_probability;
  score.entropy = entropy;
  score.skip_penalty =
      skip_decisions > 0 ? skip_divergence / static_cast<double>(skip_decisions) : skip_divergence;
  return score;
}

pb::CryptoNasGenotype EnasController::sample() {
  pb::CryptoNasGenotype architecture;
  walk(Mode::kSample, architecture, nullptr);
  return architecture;
}

pb::CryptoNasGenotype EnasController::most_likely() {
  pb::CryptoNasGenotype architecture;
  walk(Mode::kGreedy, architecture, nullptr);
  return architecture;
}

EnasScore EnasController::score(const pb::CryptoNasGenotype& architecture) {
  pb::CryptoNasGenotype copy = architecture;
  return walk(Mode::kGiven, copy, nullptr);
}

EnasLogits EnasController::logits(const pb::CryptoNasGenotype& architecture) {
  pb::CryptoNasGenotype copy = architecture;
  EnasLogits logits;
  walk(Mode::kGiven, copy, &logits);
  return logits;
}

EnasUpdateReport EnasController::update(const std::vector<pb::CryptoNasGenotype>& architectures,
                                        const std::vector<double>& accuracies) {
  if (architectures.empty() || architectures.size() != accuracies.size())
    throw Error(
        fmt::format("enas controller: an update needs as many accuracies as architectures "
                    "(at least one), got {} and {}",
                    architectures.size(), accuracies.size()));
  EnasUpdateReport report;
  policy_->optimizer->zero_grad();
  torch::Tensor loss = torch::zeros({});
  for (std::size_t k = 0; k < architectures.size(); ++k) {
    const auto score = this->score(architectures[k]);
    const double entropy = score.entropy.item<double>();
    const double reward = accuracies[k] + options_.entropy_weight * entropy;
    if (!baseline_set_) {
      baseline_ = reward;
      baseline_set_ = true;
    }
    const double advantage = reward - baseline_;
    baseline_ = options_.baseline_decay * baseline_ + (1 - options_.baseline_decay) * reward;
    loss = loss - advantage * score.log_probability + options_.skip_weight * score.skip_penalty;
    report.mean_accuracy += accuracies[k];
    report.mean_reward += reward;
    report.mean_entropy += entropy;
  }
  const auto count = static_cast<double>(architectures.size());
  (loss / count).backward();
  policy_->optimizer->step();
  report.mean_accuracy /= count;
  report.mean_reward /= count;
  report.mean_entropy /= count;
  report.baseline = baseline_;
  return report;
}

std::string EnasController::save_state() const {
  torch::serialize::OutputArchive archive, optimizer_archive;
  policy_->module->save(archive);
  policy_->optimizer->save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  std::ostringstream weights;
  archive.save_to(weights);
  const std::string bytes = weights.str();
  return detail::encode_state(
      {{"kind", "enas"},
       {"layers", options_.layers},
       {"ops", options_.ops},
       {"hidden_size", options_.hidden_size},
       {"generator", detail::save_generator(generator_)},
       {"baseline", baseline_},
       {"baseline_set", baseline_set_},
       {"weights", nlohmann::json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()))}});
}

void EnasController::load_state(const std::string& bytes) {
  const auto state = detail::decode_state(bytes, "enas");
  try {
    if (state.at("layers").get<int>() != options_.layers ||
        state.at("ops").get<int>() != options_.ops ||
        state.at("hidden_size").get<int>() != options_.hidden_size)
      throw StrategyStateError(fmt::format(
          "enas controller state is for {} layers, {} ops, hidden size {}; this controller has {}, "
          "{}, {}",
          state.at("layers").dump(), state.at("ops").dump(), state.at("hidden_size").dump(),
          options_.layers, options_.ops, options_.hidden_size));
    const auto& binary = state.at("weights").get_binary();
    std::istringstream weights(std::string(binary.begin(), binary.end()));
    torch::serialize::InputArchive archive, optimizer_archive;
    archive.load_from(weights);
    policy_->module->load(archive);
    archive.read("optimizer", optimizer_archive);
    policy_->optimizer->load(optimizer_archive);
    detail::load_generator(generator_, state.at("generator").get<std::string>());
    baseline_ = state.at("baseline").get<double>();
    baseline_set_ = state.at("baseline_set").get<bool>();
  } catch (const nlohmann::json::exception& error) {
    throw StrategyStateError(std::string("enas controller state is malformed: ") + error.what());
  } catch (const c10::Error& error) {
    throw StrategyStateError(std::string("enas controller weights are unreadable: ") +
                             error.what_without_backtrace());
  }
}

}  // namespace pinas::nas
