#include "nas/cli/fixed_point_options.h"

#include <algorithm>
#include <bit>
#include <exception>
#include <thread>

#include "crypto/pi/fixed_point_evaluator.h"
#include "crypto/pi/pi_error.h"

namespace pinas::cli {

pi::FixedPointConfig FixedPointOptions::config() const {
  pi::FixedPointConfig config;
  config.ring_bits = ring_bits;
  config.fractional_bits = fractional_bits;
  config.scale_limit = scale_limit;
  config.weight_bits = weight_bits;
  if (circa >= 0) {
    config.relu_mode = pi::ReluMode::kCirca;
    config.circa_dropped_bits = static_cast<unsigned>(circa);
  }
  if (linear != "he" && linear != "ot")
    throw pi::UsageError("--linear must be he or ot, got " + linear);
  config.linear_backend = linear == "he" ? pi::LinearBackend::kHe : pi::LinearBackend::kOt;
  config.validate();
  return config;
}

void add_fixed_point_options(CLI::App* command, FixedPointOptions& options) {
  command->add_option("--ring-bits", options.ring_bits, "ℓ: shares live in Z_{2^ℓ} (16..64)")
      ->capture_default_str();
  command
      ->add_option("--fractional-bits", options.fractional_bits,
                   "f: fractional bits of activations and weights")
      ->capture_default_str();
  command->add_option("--scale-limit", options.scale_limit,
                      "largest scale before truncation (0: 3f)");
  command->add_option("--weight-bits", options.weight_bits,
                      "bits of a decomposed weight (0: f + 8)");
  command
      ->add_option("--circa", options.circa,
                   "use Circa's stochastic ReLU dropping K low bits (K >= 0; without it, exact "
                   "ReLUs)")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option(
          "--linear", options.linear,
          "linear-layer preprocessing: he (homomorphic encryption) or ot (Gilboa products on "
          "correlated OT)")
      ->check(CLI::IsMember({"he", "ot"}))
      ->capture_default_str();
}

FixedPointAccuracy measure_fixed_point_accuracy(
    const pi::FixedPointNetwork& network, std::size_t images,
    const std::function<std::vector<float>(std::size_t)>& pixels,
    const std::function<std::int64_t(std::size_t)>& label, std::uint64_t seed, unsigned threads) {
  // Images are independent, so threads take interleaved indices.
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(images, 1)));
  const bool circa = network.config().relu_mode == pi::ReluMode::kCirca;
  std::vector<std::size_t> correct(threads, 0);
  const unsigned ring_bits = network.config().ring_bits;
  // max |x| per tensor, seen by each thread
  std::vector<std::vector<std::uint64_t>> largest(
      threads, std::vector<std::uint64_t>(network.tensors().size(), 0));
  std::vector<std::exception_ptr> failures(threads);
  auto work = [&](unsigned worker) {
    try {
      for (std::size_t i = worker; i < images; i += threads) {
        const auto input = network.quantize_input(pixels(i));
        const auto tensors = circa ? pi::simulate_circa_tensors(network, input, seed + i)
                                   : pi::evaluate_fixed_point_tensors(network, input);
        const auto logits = network.dequantize_output(tensors[network.output_tensor()]);
        const auto best = std::max_element(logits.begin(), logits.end()) - logits.begin();
        correct[worker] += best == label(i) ? 1 : 0;
        for (std::size_t t = 0; t < tensors.size(); ++t) {
          largest[worker][t] =
              std::max(largest[worker][t], pi::largest_magnitude(ring_bits, tensors[t]));
        }
      }
    } catch (...) {
      failures[worker] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned worker = 1; worker < threads; ++worker) pool.emplace_back(work, worker);
  work(0);
  for (auto& thread : pool) thread.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  FixedPointAccuracy result;
  result.images = images;
  for (auto count : correct) result.correct += count;
  std::vector<std::string> producer(network.tensors().size(), "input");
  for (const auto& step : network.steps()) producer[step.output] = step.node;
  std::uint64_t overall = 0;
  for (std::size_t t = 0; t < network.tensors().size(); ++t) {
    std::uint64_t tensor_largest = 0;
    for (const auto& seen : largest) tensor_largest = std::max(tensor_largest, seen[t]);
    if (t == 0 || tensor_largest > overall) {
      overall = tensor_largest;
      result.tightest_node = producer[t];
      result.tightest_scale = network.tensors()[t].scale;
    }
  }
  result.headroom_bits =
      static_cast<int>(ring_bits) - 1 - static_cast<int>(std::bit_width(overall));
  return result;
}

}  // namespace pinas::cli
