#pragma once

#include <cstdint>
#include <vector>

#include "crypto/pi/fixed_point_network.h"

namespace pinas::pi::detail {

// Gilboa products as batches of vector correlated OTs. A plan enumerates OT
// t = (decomposed element, bit j): the receiver's choice is bit j of its
// element, the sender's correlation is a vector of its values (one per use
// of the element), and both parties accumulate the results, scaled by 2^j,
// into output positions. Messages of OT t are ℓ - j bits wide, since the
// 2^j factor clears the low j bits (the COT runs in Z_{2^(ℓ-j)}).
//
// Interface of a plan (duck-typed, so the hot loops inline):
//   std::size_t ot_count() const;
//   std::uint32_t bit(std::size_t t) const;        // j
//   bool negated(std::size_t t) const;            // the sender negates its values
//   std::size_t length(std::size_t t) const;      // vector length
//   void for_each(std::size_t t, F f) const;      // f(output index, sender value index)
// Plans are immutable; thread-safe.

// The server's weights decomposed into `weight_bits`-bit two's complement
// (the top bit counts -2^(b-1), hence negated): OT t = weight t / b, bit
// t % b; its vector runs over the output positions the weight touches, with
// the client's input values as correlations.
class WeightDecompositionPlan {
 public:
  WeightDecompositionPlan(const ConvGeometry& geometry, std::uint32_t weight_bits);
  std::size_t ot_count() const { return static_cast<std::size_t>(geometry_.weight_count()) * bits_; }
  std::uint32_t bit(std::size_t t) const { return static_cast<std::uint32_t>(t % bits_); }
  bool negated(std::size_t t) const { return bit(t) == bits_ - 1; }
  std::size_t length(std::size_t t) const {
    std::size_t tap = (t / bits_) % (kernel_ * kernel_);
    return valid_y_[tap / kernel_].size() * valid_x_[tap % kernel_].size();
  }
  template <class F>
  void for_each(std::size_t t, F&& f) const {
    const std::size_t weight = t / bits_;
    const std::size_t tap = weight % (kernel_ * kernel_);
    const std::size_t ky = tap / kernel_, kx = tap % kernel_;
    const std::size_t rest = weight / (kernel_ * kernel_);
    const std::size_t ci = rest % in_per_group_, o = rest / in_per_group_;
    const std::size_t ic = (o / out_per_group_) * in_per_group_ + ci;
    const std::size_t out_base = o * out_h_ * out_w_, in_base = ic * in_h_ * in_w_;
    for (const auto& [oy, iy] : valid_y_[ky]) {
      for (const auto& [ox, ix] : valid_x_[kx]) {
        f(out_base + oy * out_w_ + ox, in_base + iy * in_w_ + ix);
      }
    }
  }
  // The receiver's (server's) choice bits for `weights` (ring elements that
  // must fit in weight_bits as signed values).
  std::vector<std::uint8_t> choices(const std::vector<std::uint64_t>& weights) const;

 private:
  ConvGeometry geometry_;
  std::uint32_t bits_;
  std::size_t kernel_, in_per_group_, out_per_group_, in_h_, in_w_, out_h_, out_w_;
  // For each kernel row/column: the (output, input) coordinate pairs in range.
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> valid_y_, valid_x_;
};

// The client's input values decomposed into ℓ bits: OT t = input t / ℓ, bit
// t % ℓ; its vector runs over the (output, weight) pairs the input feeds,
// with the server's weights as correlations.
class InputDecompositionPlan {
 public:
  InputDecompositionPlan(const ConvGeometry& geometry, std::uint32_t ring_bits);
  std::size_t ot_count() const { return static_cast<std::size_t>(geometry_.input.elements()) * bits_; }
  std::uint32_t bit(std::size_t t) const { return static_cast<std::uint32_t>(t % bits_); }
  bool negated(std::size_t) const { return false; }
  std::size_t length(std::size_t t) const {
    const std::size_t input = t / bits_;
    const std::size_t iy = (input / in_w_) % in_h_, ix = input % in_w_;
    return out_per_group_ * uses_y_[iy].size() * uses_x_[ix].size();
  }
  template <class F>
  void for_each(std::size_t t, F&& f) const {
    const std::size_t input = t / bits_;
    const std::size_t ic = input / (in_h_ * in_w_);
    const std::size_t iy = (input / in_w_) % in_h_, ix = input % in_w_;
    const std::size_t group = ic / in_per_group_, ci = ic % in_per_group_;
    for (std::size_t o = group * out_per_group_; o < (group + 1) * out_per_group_; ++o) {
      const std::size_t weight_base = (o * in_per_group_ + ci) * kernel_ * kernel_;
      const std::size_t out_base = o * out_h_ * out_w_;
      for (const auto& [oy, ky] : uses_y_[iy]) {
        for (const auto& [ox, kx] : uses_x_[ix]) {
          f(out_base + oy * out_w_ + ox, weight_base + ky * kernel_ + kx);
        }
      }
    }
  }

 private:
  ConvGeometry geometry_;
  std::uint32_t bits_;
  std::size_t kernel_, in_per_group_, out_per_group_, in_h_, in_w_, out_h_, out_w_;
  // For each input row/column: the (output, kernel) coordinate pairs using it.
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> uses_y_, uses_x_;
};

// Element-wise products a_i · b_i (Beaver-style pairs for polynomial
// activations): the receiver's b_i decomposed into ℓ bits, the sender's a_i
// as correlation, output i.
class ElementwisePlan {
 public:
  ElementwisePlan(std::size_t count, std::uint32_t ring_bits) : count_(count), bits_(ring_bits) {}
  std::size_t ot_count() const { return count_ * bits_; }
  std::uint32_t bit(std::size_t t) const { return static_cast<std::uint32_t>(t % bits_); }
  bool negated(std::size_t) const { return false; }
  std::size_t length(std::size_t) const { return 1; }
  template <class F>
  void for_each(std::size_t t, F&& f) const {
    f(t / bits_, t / bits_);
  }

 private:
  std::size_t count_;
  std::uint32_t bits_;
};

// The receiver's choice bits when it decomposes `values` into ring_bits bits
// (plans InputDecompositionPlan and ElementwisePlan).
std::vector<std::uint8_t> value_bits(const std::vector<std::uint64_t>& values, std::uint32_t ring_bits);

}  // namespace pinas::pi::detail
