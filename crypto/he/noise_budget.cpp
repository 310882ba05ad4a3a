#include "crypto/he/noise_budget.h"

#include <cmath>
#include <cstdio>

#include "crypto/he/he_error.h"

namespace pinas::he {

std::string LayerNoise::to_string() const {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "noise 2^%.1f of budget 2^%.1f", total_log2, budget_log2);
  return buffer;
}

LayerNoise layer_noise(const HeParameters& parameters, std::uint64_t kernel_terms,
                       std::uint32_t weight_bits, std::uint64_t sent_coefficients) {
  if (kernel_terms < 1 || weight_bits < 1 || weight_bits > 64) {
    throw HeError("noise budget: kernel terms " + std::to_string(kernel_terms) + ", weight bits " +
                  std::to_string(weight_bits));
  }
  const long double fresh = static_cast<long double>(parameters.error_bound()) + 0.5L;
  const long double n = static_cast<long double>(parameters.degree());
  LayerNoise noise;
  noise.weight_noise = static_cast<long double>(kernel_terms) *
                       std::ldexp(1.0L, static_cast<int>(weight_bits) - 1) * fresh;
  noise.public_key_noise = static_cast<long double>(parameters.error_bound()) * (2 * n + 1);
  const long double hidden = noise.weight_noise + noise.public_key_noise;
  const long double count = static_cast<long double>(sent_coefficients < 1 ? 1 : sent_coefficients);
  const long double flood_log2 =
      std::ceil(std::log2(count * hidden) +
                static_cast<long double>(parameters.options().statistical_bits) - 1);
  noise.flood_bits = static_cast<std::uint32_t>(flood_log2 < 0 ? 0 : flood_log2);
  noise.total = hidden + 0.5L + std::ldexp(1.0L, static_cast<int>(noise.flood_bits));
  noise.total_log2 = static_cast<double>(std::log2(noise.total));
  noise.budget_log2 = parameters.log_q() - parameters.plaintext_bits() - 2.0;
  const std::uint32_t k = parameters.switched_bits();
  noise.switched_bound =
      std::exp2(static_cast<long double>(k) + std::log2(noise.total) - parameters.log_q()) + 1 + n;
  noise.switched_limit_log2 = static_cast<double>(k) - parameters.plaintext_bits() - 1.0;
  return noise;
}

long double fresh_switched_noise(const HeParameters& parameters) {
  const long double fresh = static_cast<long double>(parameters.error_bound()) + 0.5L;
  return std::exp2(static_cast<long double>(parameters.switched_bits()) + std::log2(fresh) -
                   parameters.log_q()) +
         1 + static_cast<long double>(parameters.degree());
}

}  // namespace pinas::he
