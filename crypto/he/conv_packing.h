#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace pinas::he {

// The shape of a convolution (a linear layer is a 1x1 convolution on a
// C·H·W x 1 x 1 input; a depthwise convolution has groups = channels).
// out = (in + 2·padding - dilation·(kernel - 1) - 1) / stride + 1.
struct ConvShape {
  std::int64_t in_channels = 1, in_height = 1, in_width = 1;
  std::int64_t out_channels = 1, out_height = 1, out_width = 1;
  std::int64_t kernel = 1, stride = 1, padding = 0, dilation = 1, groups = 1;
};

// Bytes on the wire of one input ciphertext, and of one output ciphertext
// carrying `coefficients` useful coefficients: what the packing minimizes.
struct PackingCosts {
  std::uint64_t input_ciphertext_bytes = 0;
  std::function<std::uint64_t(std::uint64_t coefficients)> output_ciphertext_bytes;
};

// The block sizes a packing uses and what follows from them, without the
// coefficient layout: what the cost model and the HE plan need. Value type.
struct PackingChoice {
  std::int64_t input_channels_per_block = 0, output_channels_per_block = 0;  // C_n, M_n
  std::int64_t input_blocks = 0, output_blocks = 0;
  // The most kernel terms accumulated into one output ciphertext (see
  // ConvPacking::kernel_terms).
  std::uint64_t kernel_terms = 0;
  // The 'b' coefficients output block `block` sends: its channels x H_out x W_out.
  std::uint64_t block_coefficients(const ConvShape& shape, std::int64_t block) const;
  // The plaintext x ciphertext products: (output block, input block) pairs
  // whose channels meet in a group (ConvPacking::connected).
  std::uint64_t products(const ConvShape& shape) const;
};

// Cheetah-style coefficient packing of a convolution into polynomials of
// Z[X]/(X^N + 1), so that one plaintext x ciphertext product per (output
// block, input block) pair computes the convolution in known coefficients.
//
// Layout. Each input channel is zero-padded to H' x W' (H' = H + 2p) and
// stored row-major in a region of S = H'·W' coefficients; an input block
// holds C_n consecutive channels, channel c at region c. An output block holds
// M_n consecutive output channels; output slot j collects at region
// R_j = j·C_n + C_n - 1. The kernel polynomial of (output block, input block)
// puts w[o_j, c, ky, kx] at X^((R_j - c)·S + D - ky·d·W' - kx·d), with
// D = (k-1)·d·(W'+1). The product's coefficient R_j·S + D + y·W' + x is then
// Σ_{c,ky,kx} w·x_pad[c][y + ky·d][x + kx·d]: output (o_j, y/s, x/s) at
// y, x multiples of the stride. Terms of channel c' ≠ c land in regions
// R_j + (c' - c) with |c' - c| < C_n, and spill at most D + S - 1 past their
// region start, so they never reach a valid coefficient of any slot (valid
// coefficients sit at offsets [D, S) of their region). The largest
// coefficient index is (M_n·C_n + C_n - 1)·S + D - 1 < N, so the product
// never wraps around X^N = -1: the constraint the packing satisfies.
//
// Grouped and depthwise convolutions put only the (o, c) pairs of the same
// group into a kernel polynomial; output blocks whose group reads no channel
// of an input block skip that product. Immutable; thread-safe.
class ConvPacking {
 public:
  // Picks C_n and M_n minimizing the bytes under `costs`. Throws HeError when
  // the shape is inconsistent or one padded channel does not fit N.
  ConvPacking(const ConvShape& shape, std::size_t degree, const PackingCosts& costs);
  // The layout of a choice from choose() (the same shape and degree).
  ConvPacking(const ConvShape& shape, std::size_t degree, const PackingChoice& choice);
  // The C_n and M_n minimizing the bytes under `costs` (what the first
  // constructor lays out), in time linear in the channel count. Throws
  // HeError like the constructor. Thread-safe.
  static PackingChoice choose(const ConvShape& shape, std::size_t degree,
                              const PackingCosts& costs);
  // Throws HeError when the shape is inconsistent.
  static void validate(const ConvShape& shape);
  // Explicit block sizes (tests). Throws HeError when they do not fit.
  ConvPacking(const ConvShape& shape, std::size_t degree, std::int64_t input_channels_per_block,
              std::int64_t output_channels_per_block);

  const ConvShape& shape() const { return shape_; }
  std::size_t degree() const { return degree_; }
  std::int64_t input_channels_per_block() const { return in_per_block_; }
  std::int64_t output_channels_per_block() const { return out_per_block_; }
  std::size_t input_blocks() const { return static_cast<std::size_t>(input_blocks_); }
  std::size_t output_blocks() const { return static_cast<std::size_t>(output_blocks_); }

  // The coefficients of input block `block` (input: C x H x W row-major;
  // coefficients: degree() values, padding and unused positions zero).
  void encode_input(std::size_t block, std::span<const std::uint64_t> input,
                    std::span<std::uint64_t> coefficients) const;
  // Whether output block `out_block` reads any channel of input block `in_block`.
  bool connected(std::size_t out_block, std::size_t in_block) const;
  // The kernel polynomial of (out_block, in_block) from signed weights
  // [out, in/groups, k, k]; coefficients: degree() values.
  void encode_kernel(std::size_t out_block, std::size_t in_block,
                     std::span<const std::int64_t> weights,
                     std::span<std::int64_t> coefficients) const;
  // The coefficient positions of output block `out_block`, increasing, and
  // the output element (o·H_out·W_out + y·W_out + x) each one holds.
  const std::vector<std::uint32_t>& output_positions(std::size_t out_block) const {
    return positions_.at(out_block);
  }
  const std::vector<std::uint32_t>& output_elements(std::size_t out_block) const {
    return elements_.at(out_block);
  }
  // The most kernel terms (nonzero structural coefficients, summed over the
  // input blocks) accumulated into one output ciphertext: the factor of the
  // weight-dependent noise.
  std::uint64_t kernel_terms() const { return kernel_terms_; }
  // Output coefficients sent in all (C_out·H_out·W_out).
  std::uint64_t output_coefficients() const;

  // The packed evaluation of the convolution on plaintext polynomials
  // (schoolbook over the integers, then read at output_positions): a check
  // of the layout independent of any encryption. Returns out values mod 2^64.
  std::vector<std::uint64_t> evaluate_plain(std::span<const std::uint64_t> input,
                                            std::span<const std::int64_t> weights) const;

 private:
  void validate_shape() const;
  void place(std::int64_t input_channels_per_block, std::int64_t output_channels_per_block);
  bool fits(std::int64_t input_channels_per_block, std::int64_t output_channels_per_block) const;

  ConvShape shape_;
  std::size_t degree_;
  std::int64_t padded_height_ = 0, padded_width_ = 0, region_ = 0, kernel_span_ = 0;
  std::int64_t in_per_block_ = 0, out_per_block_ = 0, input_blocks_ = 0, output_blocks_ = 0;
  std::uint64_t kernel_terms_ = 0;
  std::vector<std::vector<std::uint32_t>> positions_, elements_;
};

}  // namespace pinas::he
