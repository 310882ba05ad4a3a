#include "crypto/pi/client_session.h"

#include <fmt/format.h>

#include <chrono>

#include "crypto/gc/evaluator_party.h"
#include "crypto/pi/linear_preprocessing.h"
#include "crypto/pi/detail/local_steps.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/session_state.h"
#include "crypto/pi/detail/tensor_ops.h"
#include "crypto/pi/pi_error.h"
#include "crypto/pi/session_protocol.h"
#include "crypto/primitives/prg.h"
#include "search_spaces/model_file.h"

namespace pinas::pi {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::uint64_t traffic(const crypto::Channel& channel) { return channel.bytes_sent() + channel.bytes_received(); }

class PhaseMeter {
 public:
  PhaseMeter(crypto::Channel& channel, PhaseCost& cost)
      : channel_(channel), cost_(cost), sent_(channel.bytes_sent()), received_(channel.bytes_received()),
        start_(now_seconds()) {}
  void finish() {
    channel_.flush();
    cost_.bytes_sent += channel_.bytes_sent() - sent_;
    cost_.bytes_received += channel_.bytes_received() - received_;
    cost_.seconds += now_seconds() - start_;
  }

 private:
  crypto::Channel& channel_;
  PhaseCost& cost_;
  std::uint64_t sent_, received_;
  double start_;
};

}  // namespace

struct ClientSession::Parties {
  Parties(crypto::Channel& channel, const FixedPointNetwork& network)
      : evaluator(channel), linear_backend(make_linear_preprocessing(false, channel, network)),
        linear(*linear_backend) {}
  crypto::EvaluatorParty evaluator;
  // The configured backend (HE by default, or COT); `linear` names it.
  std::unique_ptr<LinearPreprocessing> linear_backend;
  LinearPreprocessing& linear;
  crypto::Prg prg;
  detail::FlightCounter flights;
};

ClientSession::ClientSession(crypto::Channel& channel, std::uint32_t expected_ring_bits)
    : channel_(channel), expected_ring_bits_(expected_ring_bits) {}

ClientSession::~ClientSession() = default;

const FixedPointNetwork& ClientSession::connect() {
  if (connect_started_) throw UsageError("client session: connect() ran already; a session is one-shot");
  connect_started_ = true;
  PhaseMeter meter(channel_, report_.setup);
  channel_.send_uint64(kSessionMagic);
  channel_.send_uint64(kSessionVersion);
  channel_.send_uint64(expected_ring_bits_);
  const std::string status = channel_.receive_string(4096);
  if (status != "ok") {
    throw SessionError(fmt::format("server {} {}", channel_.peer(),
                                   status.rfind("refused: ", 0) == 0 ? status
                                                                     : "answered an unknown status"));
  }
  const std::string description = channel_.receive_string(kMaxDescriptionBytes);
  const FixedPointConfig config = receive_config(channel_);
  pb::Model model;
  try {
    model = spaces::decode_model(description, "the description from " + channel_.peer());
  } catch (const Error& error) {
    throw SessionError(fmt::format("server {}: {}", channel_.peer(), error.what()));
  }
  network_.emplace(FixedPointNetwork::compile(model, config, true));
  handshake_network(channel_, *network_);
  parties_ = std::make_unique<Parties>(channel_, *network_);
  parties_->evaluator.setup();
  parties_->linear.setup();
  meter.finish();
  return *network_;
}

void ClientSession::offline() {
  if (!parties_) throw UsageError("client session: offline() before connect()");
  if (offline_started_) throw UsageError("client session: offline() ran already; a session is one-shot");
  offline_started_ = true;
  PhaseMeter meter(channel_, report_.offline);
  const auto& network = *network_;
  const auto& config = network.config();
  detail::Ring ring(config.ring_bits);
  auto random_vector = [&](std::size_t count) {
    std::vector<std::uint64_t> values(count);
    for (auto& value : values) value = ring.reduce(parties_->prg.random_uint64());
    return values;
  };
  shares_.assign(network.tensors().size(), {});
  shares_[network.input_tensor()] =
      random_vector(static_cast<std::size_t>(network.input_info().shape.elements()));
  for (const auto& step : network.steps()) {
    auto state = std::make_unique<detail::ClientStepState>();
    const std::size_t outputs = static_cast<std::size_t>(network.tensors()[step.output].shape.elements());
    std::vector<detail::GarbledBatch> plans;
    if (detail::apply_local_step(network, step, shares_, ring)) {
      // local: done
    } else if (const auto* linear = std::get_if<LinearStep>(&step.op)) {
      shares_[step.output] = parties_->linear.client_linear(step.node, linear->geometry, shares_[step.inputs[0]]);
    } else if (std::holds_alternative<PolynomialStep>(step.op)) {
      state->product_share = parties_->linear.client_elementwise(step.node, shares_[step.inputs[0]]);
      shares_[step.output] = random_vector(outputs);
    } else if (const auto* garbled = std::get_if<GarbledStep>(&step.op)) {
      plans = detail::plan_batches(*garbled, shares_[step.inputs[0]].size());
      shares_[step.output] = shares_[step.inputs[0]];
      if (garbled->mixed()) {
        // Replaced elements: affine ones locally (the client's part of
        // c1·x·2^s), polynomial ones by a Beaver-style product prepared now.
        const auto& c = shares_[step.inputs[0]];
        auto& out = shares_[step.output];
        for (auto i : detail::elements_of_kind(*garbled, c.size(), detail::ElementKind::kAffine)) {
          out[i] = ring.reduce((garbled->c1[garbled->channel_of(i)] << garbled->input_scale) * c[i]);
        }
        const auto polynomial = detail::elements_of_kind(*garbled, c.size(), detail::ElementKind::kPolynomial);
        std::vector<std::uint64_t> gathered;
        gathered.reserve(polynomial.size());
        for (auto i : polynomial) gathered.push_back(c[i]);
        if (!polynomial.empty()) state->product_share = parties_->linear.client_elementwise(step.node, gathered);
        for (auto i : polynomial) out[i] = ring.reduce(parties_->prg.random_uint64());
      }
    } else if (const auto* max_pool = std::get_if<MaxPoolStep>(&step.op)) {
      plans = detail::plan_batches(*max_pool, network.tensors()[step.inputs[0]].shape,
                                   network.tensors()[step.output].shape);
      shares_[step.output].assign(outputs, 0);
    }
    std::vector<std::uint64_t> current = shares_[step.inputs.empty() ? step.output : step.inputs[0]];
    for (auto& plan : plans) {
      detail::ClientBatchState batch;
      batch.plan = std::move(plan);
      GarbledLayerCost cost{step.node, batch.plan.kind_name(), static_cast<std::int64_t>(batch.plan.copies())};
      const std::uint64_t before = traffic(channel_);
      const double start = now_seconds();
      auto evaluator_shares = detail::gather(batch.plan, current);
      if (batch.plan.kind == detail::GarbledBatch::Kind::kCirca) {
        batch.circa = std::make_unique<crypto::CircaReluEvaluator>(parties_->evaluator, config.ring_bits,
                                                                   config.circa_dropped_bits);
        batch.circa->offline(evaluator_shares);
        cost.and_gates = batch.circa->circuit().and_count();
      } else {
        batch.circuit = detail::batch_circuit(batch.plan, config.ring_bits);
        batch.evaluator = std::make_unique<crypto::ShareCircuitEvaluator>(parties_->evaluator, *batch.circuit,
                                                                          config.ring_bits);
        batch.evaluator->offline(evaluator_shares);
        cost.and_gates = batch.circuit->and_count();
      }
      channel_.flush();
      batch.fresh = random_vector(batch.plan.copies());
      const auto* garbled_step = std::get_if<GarbledStep>(&step.op);
      const std::uint32_t lift = garbled_step ? garbled_step->lift : 0;
      for (std::size_t c = 0; c < batch.plan.copies(); ++c) {
        const auto element = batch.plan.outputs[c];
        // A mixed activation lifts ReLU outputs to its scale: both shares times 2^lift.
        shares_[step.output][element] = ring.reduce(batch.fresh[c] << lift);
        if (batch.circa) current[element] = batch.fresh[c];
      }
      cost.offline_bytes = traffic(channel_) - before;
      cost.offline_seconds = now_seconds() - start;
      batch.cost_index = report_.garbled_layers.size();
      report_.garbled_layers.push_back(cost);
      state->batches.push_back(std::move(batch));
    }
    states_.push_back(std::move(state));
  }
  meter.finish();
}

InferenceResult ClientSession::online(std::span<const float> pixels) {
  if (!network_) throw UsageError("client session: online() before connect()");
  auto input = network_->quantize_input(pixels);
  return online_quantized(input);
}

InferenceResult ClientSession::online_quantized(std::span<const std::uint64_t> input) {
  if (!network_ || states_.size() != network_->steps().size()) {
    throw UsageError("client session: online() before offline()");
  }
  if (online_started_) {
    throw UsageError(
        "client session: online() ran already; a session is one-shot (a second input under the same "
        "masks would reveal the difference of the two inputs), open a new session");
  }
  const auto& network = *network_;
  detail::Ring ring(network.config().ring_bits);
  if (static_cast<std::int64_t>(input.size()) != network.input_info().shape.elements()) {
    throw UsageError(fmt::format("input: {} values for an input of shape {}", input.size(),
                                 network.input_info().shape.to_string()));
  }
  online_started_ = true;
  auto& flights = parties_->flights;
  flights.reset();
  PhaseMeter meter(channel_, report_.online);
  std::vector<std::uint64_t> masked(input.size());
  const auto& input_share = shares_[network.input_tensor()];
  for (std::size_t i = 0; i < input.size(); ++i) masked[i] = ring.subtract(input[i], input_share[i]);
  channel_.send_uint64s(masked);
  flights.sent();
  for (std::size_t index = 0; index < network.steps().size(); ++index) {
    const Step& step = network.steps()[index];
    auto& state = *states_[index];
    if (const auto* polynomial = std::get_if<PolynomialStep>(&step.op)) {
      const auto& c = shares_[step.inputs[0]];
      std::vector<std::uint64_t> masked_server(c.size());
      channel_.receive_uint64s(masked_server);
      flights.received();
      std::vector<std::uint64_t> reply(c.size());
      const std::uint64_t c1 = polynomial->c1 << polynomial->input_scale;
      for (std::size_t i = 0; i < c.size(); ++i) {
        const std::uint64_t square_part = c[i] * c[i] + 2 * (masked_server[i] * c[i] + state.product_share[i]);
        reply[i] = ring.reduce(polynomial->c2 * square_part + c1 * c[i] - shares_[step.output][i]);
      }
      channel_.send_uint64s(reply);
      flights.sent();
      continue;
    }
    // A mixed activation's polynomial elements ride in the garbled circuit's
    // round: the server's masked values come with the labels, the reply goes
    // with the client's output parts.
    const auto* mixed = std::get_if<GarbledStep>(&step.op);
    if (mixed && !mixed->mixed()) mixed = nullptr;
    std::vector<std::uint32_t> polynomial;
    std::vector<std::uint64_t> polynomial_reply;
    if (mixed) {
      const auto& c = shares_[step.inputs[0]];
      polynomial = detail::elements_of_kind(*mixed, c.size(), detail::ElementKind::kPolynomial);
      if (!polynomial.empty()) {
        std::vector<std::uint64_t> masked_server(polynomial.size());
        channel_.receive_uint64s(masked_server);
        flights.received();
        polynomial_reply.resize(polynomial.size());
        for (std::size_t k = 0; k < polynomial.size(); ++k) {
          const auto i = polynomial[k];
          const auto channel = mixed->channel_of(i);
          const std::uint64_t c1 = mixed->c1[channel] << mixed->input_scale;
          const std::uint64_t square_part = c[i] * c[i] + 2 * (masked_server[k] * c[i] + state.product_share[k]);
          polynomial_reply[k] = ring.reduce(mixed->c2[channel] * square_part + c1 * c[i] - shares_[step.output][i]);
        }
      }
    }
    std::vector<std::pair<detail::ClientBatchState*, std::vector<std::uint64_t>>> pending;
    for (auto& batch : state.batches) {
      auto& cost = report_.garbled_layers[batch.cost_index];
      const std::uint64_t before = traffic(channel_);
      const double start = now_seconds();
      if (batch.circa) {
        auto part = batch.circa->online();
        // Labels in, the forward COT's u out, corrections in, the reverse COT's corrections out.
        flights.received();
        flights.sent();
        flights.received();
        for (std::size_t c = 0; c < part.size(); ++c) part[c] = ring.subtract(part[c], batch.fresh[c]);
        channel_.send_uint64s(part);
        flights.sent();
        cost.crypto_seconds = batch.circa->evaluate_seconds();
      } else {
        auto part = batch.evaluator->online();
        flights.received();
        for (std::size_t c = 0; c < part.size(); ++c) part[c] = ring.subtract(part[c], batch.fresh[c]);
        pending.emplace_back(&batch, std::move(part));
        cost.crypto_seconds = batch.evaluator->evaluate_seconds();
      }
      cost.online_bytes += traffic(channel_) - before;
      cost.online_seconds += now_seconds() - start;
    }
    for (auto& [batch, part] : pending) {
      auto& cost = report_.garbled_layers[batch->cost_index];
      const std::uint64_t before = traffic(channel_);
      channel_.send_uint64s(part);
      flights.sent();
      channel_.flush();
      cost.online_bytes += traffic(channel_) - before;
    }
    if (!polynomial_reply.empty()) {
      channel_.send_uint64s(polynomial_reply);
      flights.sent();
      channel_.flush();
    }
  }
  const auto& output_share = shares_[network.output_tensor()];
  std::vector<std::uint64_t> server_share(output_share.size());
  channel_.receive_uint64s(server_share);
  flights.received();
  meter.finish();
  InferenceResult result;
  for (std::size_t i = 0; i < output_share.size(); ++i) {
    result.logits_fixed.push_back(ring.add(output_share[i], server_share[i]));
  }
  result.logits = network.dequantize_output(result.logits_fixed);
  result.class_names = network.class_names();
  report_.online.flights = flights.flights();
  report_.linear_layers = parties_->linear.costs();
  result.report = report_;
  result.rounds = (flights.flights() + 1) / 2;
  return result;
}

InferenceResult ClientSession::run(std::span<const float> pixels) {
  connect();
  offline();
  return online(pixels);
}

}  // namespace pinas::pi
