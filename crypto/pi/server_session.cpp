#include "crypto/pi/server_session.h"

#include <fmt/format.h>

#include <chrono>

#include "crypto/gc/garbler_party.h"
#include "crypto/pi/linear_preprocessing.h"
#include "crypto/pi/detail/local_steps.h"
#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/session_state.h"
#include "crypto/pi/detail/tensor_ops.h"
#include "crypto/pi/pi_error.h"
#include "crypto/pi/session_protocol.h"
#include "crypto/primitives/prg.h"

namespace pinas::pi {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Measures one phase on a channel.
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

std::uint64_t traffic(const crypto::Channel& channel) { return channel.bytes_sent() + channel.bytes_received(); }

}  // namespace

struct ServerSession::Parties {
  Parties(crypto::Channel& channel, const FixedPointNetwork& network)
      : garbler(channel), linear_backend(make_linear_preprocessing(true, channel, network)),
        linear(*linear_backend) {}
  crypto::GarblerParty garbler;
  // The configured backend (HE by default, or COT); `linear` names it.
  std::unique_ptr<LinearPreprocessing> linear_backend;
  LinearPreprocessing& linear;
  crypto::Prg prg;
};

ServerSession::ServerSession(const FixedPointNetwork& network, const std::string& description,
                             crypto::Channel& channel)
    : network_(network), description_(description), channel_(channel) {}

ServerSession::~ServerSession() = default;

void ServerSession::refuse(crypto::Channel& channel, const std::string& reason) {
  for (int i = 0; i < 3; ++i) channel.receive_uint64();
  channel.send_string("refused: " + reason);
  channel.flush();
}

void ServerSession::hello() {
  const std::uint64_t magic = channel_.receive_uint64();
  const std::uint64_t version = channel_.receive_uint64();
  const std::uint64_t ring_bits = channel_.receive_uint64();
  std::string problem;
  if (magic != kSessionMagic) {
    problem = fmt::format("not a pinas private-inference client (hello magic {:#018x})", magic);
  } else if (version != kSessionVersion) {
    problem = fmt::format("session version: server {}, client {}", kSessionVersion, version);
  } else if (ring_bits != 0 && ring_bits != network_.config().ring_bits) {
    problem = fmt::format("ring bits: server {}, client {}", network_.config().ring_bits, ring_bits);
  }
  if (!problem.empty()) {
    channel_.send_string("refused: " + problem);
    channel_.flush();
    throw SessionError(fmt::format("client {}: {}", channel_.peer(), problem));
  }
  channel_.send_string("ok");
  channel_.send_string(description_);
  send_config(channel_, network_.config());
  handshake_network(channel_, network_);
}

SessionReport ServerSession::run() {
  if (started_) {
    throw UsageError(fmt::format("server session with {}: run() ran already; a session is one-shot",
                                 channel_.peer()));
  }
  started_ = true;
  {
    PhaseMeter meter(channel_, report_.setup);
    hello();
    parties_ = std::make_unique<Parties>(channel_, network_);
    parties_->garbler.setup();
    parties_->linear.setup();
    meter.finish();
  }
  {
    PhaseMeter meter(channel_, report_.offline);
    offline();
    meter.finish();
  }
  {
    PhaseMeter meter(channel_, report_.online);
    online();
    meter.finish();
  }
  report_.linear_layers = parties_->linear.costs();
  return report_;
}

void ServerSession::offline() {
  const auto& config = network_.config();
  detail::Ring ring(config.ring_bits);
  for (const auto& step : network_.steps()) {
    auto state = std::make_unique<detail::ServerStepState>();
    std::vector<detail::GarbledBatch> plans;
    if (const auto* linear = std::get_if<LinearStep>(&step.op)) {
      state->linear_share = parties_->linear.server_linear(step.node, *linear);
    } else if (const auto* garbled = std::get_if<GarbledStep>(&step.op)) {
      const auto elements = static_cast<std::size_t>(network_.tensors()[step.inputs[0]].shape.elements());
      plans = detail::plan_batches(*garbled, elements);
      if (garbled->mixed()) {
        // Beaver-style products for the mixed activation's polynomial elements.
        const auto count = detail::elements_of_kind(*garbled, elements, detail::ElementKind::kPolynomial).size();
        state->beaver_a.resize(count);
        for (auto& value : state->beaver_a) value = ring.reduce(parties_->prg.random_uint64());
        if (count > 0) state->linear_share = parties_->linear.server_elementwise(step.node, state->beaver_a);
      }
    } else if (const auto* max_pool = std::get_if<MaxPoolStep>(&step.op)) {
      plans = detail::plan_batches(*max_pool, network_.tensors()[step.inputs[0]].shape,
                                   network_.tensors()[step.output].shape);
    } else if (std::holds_alternative<PolynomialStep>(step.op)) {
      const auto count = static_cast<std::size_t>(network_.tensors()[step.output].shape.elements());
      state->beaver_a.resize(count);
      for (auto& value : state->beaver_a) value = ring.reduce(parties_->prg.random_uint64());
      state->linear_share = parties_->linear.server_elementwise(step.node, state->beaver_a);
    }
    for (auto& plan : plans) {
      detail::ServerBatchState batch;
      batch.plan = std::move(plan);
      GarbledLayerCost cost{step.node, batch.plan.kind_name(), static_cast<std::int64_t>(batch.plan.copies())};
      const std::uint64_t before = traffic(channel_);
      const double start = now_seconds();
      if (batch.plan.kind == detail::GarbledBatch::Kind::kCirca) {
        batch.circa = std::make_unique<crypto::CircaReluGarbler>(parties_->garbler, config.ring_bits,
                                                                 config.circa_dropped_bits);
        batch.circa->offline(batch.plan.copies());
        cost.and_gates = batch.circa->circuit().and_count();
        channel_.flush();
        cost.crypto_seconds = batch.circa->garble_seconds();
      } else {
        batch.circuit = detail::batch_circuit(batch.plan, config.ring_bits);
        batch.garbler = std::make_unique<crypto::ShareCircuitGarbler>(parties_->garbler, *batch.circuit,
                                                                      config.ring_bits);
        batch.masks = batch.garbler->offline(batch.plan.copies());
        cost.and_gates = batch.circuit->and_count();
        channel_.flush();
        cost.crypto_seconds = batch.garbler->garble_seconds();
      }
      cost.offline_bytes = traffic(channel_) - before;
      cost.offline_seconds = now_seconds() - start;
      batch.cost_index = report_.garbled_layers.size();
      report_.garbled_layers.push_back(cost);
      state->batches.push_back(std::move(batch));
    }
    states_.push_back(std::move(state));
  }
}

void ServerSession::online() {
  const auto& config = network_.config();
  detail::Ring ring(config.ring_bits);
  std::vector<std::vector<std::uint64_t>> shares(network_.tensors().size());
  auto& input = shares[network_.input_tensor()];
  input.resize(static_cast<std::size_t>(network_.input_info().shape.elements()));
  channel_.receive_uint64s(input);
  for (auto& value : input) value = ring.reduce(value);
  for (std::size_t index = 0; index < network_.steps().size(); ++index) {
    const Step& step = network_.steps()[index];
    auto& state = *states_[index];
    if (detail::apply_local_step(network_, step, shares, ring)) continue;
    const auto& in = shares[step.inputs[0]];
    auto& out = shares[step.output];
    out.assign(static_cast<std::size_t>(network_.tensors()[step.output].shape.elements()), 0);
    if (const auto* linear = std::get_if<LinearStep>(&step.op)) {
      detail::convolve(linear->geometry, linear->weights, in, out, ring);
      detail::add_bias(linear->geometry, linear->bias, out, ring);
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = ring.add(out[i], state.linear_share[i]);
    } else if (const auto* polynomial = std::get_if<PolynomialStep>(&step.op)) {
      std::vector<std::uint64_t> masked(in.size());
      for (std::size_t i = 0; i < in.size(); ++i) masked[i] = ring.subtract(in[i], state.beaver_a[i]);
      channel_.send_uint64s(masked);
      std::vector<std::uint64_t> client_part(in.size());
      channel_.receive_uint64s(client_part);
      const std::uint64_t c1 = polynomial->c1 << polynomial->input_scale;
      const std::uint64_t c0 = polynomial->c0 << (2 * polynomial->input_scale);
      for (std::size_t i = 0; i < in.size(); ++i) {
        const std::uint64_t s = in[i];
        const std::uint64_t square_part = s * s + 2 * state.linear_share[i];
        out[i] = ring.reduce(polynomial->c2 * square_part + c1 * s + c0 + client_part[i]);
      }
    } else {
      // Garbled step: batches read `current` (the input, updated by a Circa
      // batch) and write `out`; elements in no batch pass through.
      std::vector<std::uint64_t> current = in;
      if (std::holds_alternative<GarbledStep>(step.op)) out = in;
      // A mixed activation: affine elements locally, polynomial elements by a
      // product whose masked values go out with the circuit's labels.
      const auto* mixed = std::get_if<GarbledStep>(&step.op);
      if (mixed && !mixed->mixed()) mixed = nullptr;
      std::vector<std::uint32_t> products;
      if (mixed) {
        for (auto i : detail::elements_of_kind(*mixed, in.size(), detail::ElementKind::kAffine)) {
          out[i] = detail::replaced_element(*mixed, i, in[i], ring);  // c2 = 0: c1·x_s·2^s + c0·2^(2s)
        }
        products = detail::elements_of_kind(*mixed, in.size(), detail::ElementKind::kPolynomial);
        if (!products.empty()) {
          std::vector<std::uint64_t> masked(products.size());
          for (std::size_t k = 0; k < products.size(); ++k) {
            masked[k] = ring.subtract(in[products[k]], state.beaver_a[k]);
          }
          channel_.send_uint64s(masked);
        }
      }
      std::vector<detail::ServerBatchState*> pending;
      for (auto& batch : state.batches) {
        auto& cost = report_.garbled_layers[batch.cost_index];
        const std::uint64_t before = traffic(channel_);
        const double start = now_seconds();
        if (batch.circa) {
          auto garbler_part = batch.circa->online(detail::gather(batch.plan, current));
          std::vector<std::uint64_t> client_part(batch.plan.copies());
          channel_.receive_uint64s(client_part);
          for (std::size_t c = 0; c < client_part.size(); ++c) {
            const auto element = batch.plan.outputs[c];
            current[element] = out[element] = ring.add(garbler_part[c], client_part[c]);
          }
        } else {
          batch.garbler->online(detail::gather(batch.plan, current));
          pending.push_back(&batch);
        }
        cost.online_bytes += traffic(channel_) - before;
        cost.online_seconds += now_seconds() - start;
      }
      for (auto* batch : pending) {
        auto& cost = report_.garbled_layers[batch->cost_index];
        const std::uint64_t before = traffic(channel_);
        const double start = now_seconds();
        std::vector<std::uint64_t> client_part(batch->plan.copies());
        channel_.receive_uint64s(client_part);
        for (std::size_t c = 0; c < client_part.size(); ++c) {
          out[batch->plan.outputs[c]] = ring.add(batch->masks[c], client_part[c]);
        }
        cost.online_bytes += traffic(channel_) - before;
        cost.online_seconds += now_seconds() - start;
      }
      if (mixed) {
        if (!products.empty()) {
          std::vector<std::uint64_t> client_part(products.size());
          channel_.receive_uint64s(client_part);
          for (std::size_t k = 0; k < products.size(); ++k) {
            const auto i = products[k];
            const auto channel = mixed->channel_of(i);
            const std::uint64_t c1 = mixed->c1[channel] << mixed->input_scale;
            const std::uint64_t c0 = mixed->c0[channel] << (2 * mixed->input_scale);
            const std::uint64_t square_part = in[i] * in[i] + 2 * state.linear_share[k];
            out[i] = ring.reduce(mixed->c2[channel] * square_part + c1 * in[i] + c0 + client_part[k]);
          }
        }
        for (auto i : detail::elements_of_kind(*mixed, in.size(), detail::ElementKind::kRelu)) {
          out[i] = ring.reduce(out[i] << mixed->lift);
        }
      }
    }
  }
  channel_.send_uint64s(shares[network_.output_tensor()]);
  channel_.flush();
}

}  // namespace pinas::pi
