#include "crypto/he/conv_packing.h"

#include <algorithm>
#include <limits>
#include <string>

#include "crypto/he/he_error.h"

namespace pinas::he {

namespace {

std::string describe(const ConvShape& s) {
  return std::to_string(s.in_channels) + "x" + std::to_string(s.in_height) + "x" +
         std::to_string(s.in_width) + " -> " + std::to_string(s.out_channels) + "x" +
         std::to_string(s.out_height) + "x" + std::to_string(s.out_width) + " (kernel " +
         std::to_string(s.kernel) + ", stride " + std::to_string(s.stride) + ", padding " +
         std::to_string(s.padding) + ", dilation " + std::to_string(s.dilation) + ", groups " +
         std::to_string(s.groups) + ")";
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

}  // namespace

void ConvPacking::validate_shape() const {
  validate(shape_);
}

void ConvPacking::validate(const ConvShape& s) {
  const std::int64_t limit = std::int64_t{1} << 24;
  for (std::int64_t v : {s.in_channels, s.in_height, s.in_width, s.out_channels, s.out_height,
                         s.out_width, s.kernel, s.stride, s.dilation, s.groups}) {
    if (v < 1 || v > limit)
      throw HeError("conv packing: a dimension out of range in " + describe(s));
  }
  if (s.padding < 0 || s.padding > limit || s.in_channels % s.groups != 0 ||
      s.out_channels % s.groups != 0) {
    throw HeError("conv packing: bad padding or groups in " + describe(s));
  }
  auto size = [&](std::int64_t n) {
    return (n + 2 * s.padding - s.dilation * (s.kernel - 1) - 1) / s.stride + 1;
  };
  if (size(s.in_height) != s.out_height || size(s.in_width) != s.out_width) {
    throw HeError("conv packing: the output size does not follow from " + describe(s));
  }
}

namespace {

// The padded-channel layout of a shape: region S = H'·W' and kernel span D.
struct Layout {
  std::int64_t padded_height = 0, padded_width = 0, region = 0, kernel_span = 0;
  std::int64_t degree = 0;

  Layout(const ConvShape& s, std::size_t n)
      : padded_height(s.in_height + 2 * s.padding),
        padded_width(s.in_width + 2 * s.padding),
        region(padded_height * padded_width),
        kernel_span((s.kernel - 1) * s.dilation * (padded_width + 1)),
        degree(static_cast<std::int64_t>(n)) {}

  bool fits(std::int64_t c_n, std::int64_t m_n) const {
    if (c_n < 1 || m_n < 1) return false;
    // (M_n·C_n + C_n - 1)·S + D <= N, evaluated without overflow.
    if (degree < kernel_span + region) return false;
    const std::int64_t regions = (degree - kernel_span) / region;
    if (c_n > regions || m_n > regions) return false;
    return m_n * c_n + c_n - 1 <= regions && (m_n * c_n + c_n - 1) * region + kernel_span <= degree;
  }
};

}  // namespace

bool ConvPacking::fits(std::int64_t c_n, std::int64_t m_n) const {
  return Layout(shape_, degree_).fits(c_n, m_n);
}

PackingChoice ConvPacking::choose(const ConvShape& shape, std::size_t degree,
                                  const PackingCosts& costs) {
  validate(shape);
  const Layout layout(shape, degree);
  if (!layout.fits(1, 1)) {
    throw HeError("conv packing: one padded channel (" + std::to_string(layout.padded_height) +
                  "x" + std::to_string(layout.padded_width) +
                  ") does not fit a polynomial of degree " + std::to_string(degree) + " in " +
                  describe(shape));
  }
  const std::int64_t regions =
      (static_cast<std::int64_t>(degree) - layout.kernel_span) / layout.region;
  const std::uint64_t spatial = static_cast<std::uint64_t>(shape.out_height * shape.out_width);
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  std::int64_t best_c = 1, best_m = 1;
  for (std::int64_t c_n = 1; c_n <= std::min(shape.in_channels, regions); ++c_n) {
    std::int64_t m_max = (regions - c_n + 1) / c_n;
    while (m_max >= 1 && !layout.fits(c_n, m_max)) --m_max;
    if (m_max < 1) break;
    m_max = std::min(m_max, shape.out_channels);
    // With the block count fixed, the smallest M_n that keeps it sends the same.
    const std::int64_t out_blocks = ceil_div(shape.out_channels, m_max);
    const std::int64_t m_n = ceil_div(shape.out_channels, out_blocks);
    const std::uint64_t bytes =
        static_cast<std::uint64_t>(ceil_div(shape.in_channels, c_n)) *
            costs.input_ciphertext_bytes +
        static_cast<std::uint64_t>(out_blocks) *
            costs.output_ciphertext_bytes(static_cast<std::uint64_t>(m_n) * spatial);
    if (bytes < best) {
      best = bytes;
      best_c = c_n;
      best_m = m_n;
    }
  }
  PackingChoice choice;
  choice.input_channels_per_block = std::min(best_c, shape.in_channels);
  choice.output_channels_per_block = std::min(best_m, shape.out_channels);
  choice.input_blocks = ceil_div(shape.in_channels, choice.input_channels_per_block);
  choice.output_blocks = ceil_div(shape.out_channels, choice.output_channels_per_block);
  choice.kernel_terms =
      static_cast<std::uint64_t>(shape.in_channels / shape.groups * shape.kernel * shape.kernel) *
      static_cast<std::uint64_t>(choice.output_channels_per_block);
  return choice;
}

std::uint64_t PackingChoice::block_coefficients(const ConvShape& shape, std::int64_t block) const {
  const std::int64_t first = block * output_channels_per_block;
  const std::int64_t channels = std::min(output_channels_per_block, shape.out_channels - first);
  return static_cast<std::uint64_t>(channels * shape.out_height * shape.out_width);
}

std::uint64_t PackingChoice::products(const ConvShape& shape) const {
  const std::int64_t in_group = shape.in_channels / shape.groups;
  const std::int64_t out_group = shape.out_channels / shape.groups;
  std::uint64_t count = 0;
  for (std::int64_t block = 0; block < output_blocks; ++block) {
    const std::int64_t o_first = block * output_channels_per_block;
    const std::int64_t o_last = std::min(o_first + output_channels_per_block, shape.out_channels) - 1;
    const std::int64_t read_first = (o_first / out_group) * in_group;
    const std::int64_t read_last = (o_last / out_group + 1) * in_group - 1;
    count += static_cast<std::uint64_t>(read_last / input_channels_per_block -
                                        read_first / input_channels_per_block + 1);
  }
  return count;
}

ConvPacking::ConvPacking(const ConvShape& shape, std::size_t degree, const PackingCosts& costs)
    : ConvPacking(shape, degree, choose(shape, degree, costs)) {}

ConvPacking::ConvPacking(const ConvShape& shape, std::size_t degree, const PackingChoice& choice)
    : ConvPacking(shape, degree, choice.input_channels_per_block,
                  choice.output_channels_per_block) {}

ConvPacking::ConvPacking(const ConvShape& shape, std::size_t degree, std::int64_t c_n,
                         std::int64_t m_n)
    : shape_(shape), degree_(degree) {
  validate_shape();
  const Layout layout(shape, degree);
  padded_height_ = layout.padded_height;
  padded_width_ = layout.padded_width;
  region_ = layout.region;
  kernel_span_ = layout.kernel_span;
  if (!fits(c_n, m_n)) {
    throw HeError("conv packing: " + std::to_string(c_n) + " input and " + std::to_string(m_n) +
                  " output channels per block do not fit degree " + std::to_string(degree) +
                  " in " + describe(shape));
  }
  place(c_n, m_n);
}

void ConvPacking::place(std::int64_t c_n, std::int64_t m_n) {
  const auto& s = shape_;
  in_per_block_ = std::min(c_n, s.in_channels);
  out_per_block_ = std::min(m_n, s.out_channels);
  input_blocks_ = ceil_div(s.in_channels, in_per_block_);
  output_blocks_ = ceil_div(s.out_channels, out_per_block_);
  positions_.assign(static_cast<std::size_t>(output_blocks_), {});
  elements_.assign(static_cast<std::size_t>(output_blocks_), {});
  for (std::int64_t block = 0; block < output_blocks_; ++block) {
    auto& positions = positions_[static_cast<std::size_t>(block)];
    auto& elements = elements_[static_cast<std::size_t>(block)];
    for (std::int64_t j = 0; j < out_per_block_; ++j) {
      const std::int64_t o = block * out_per_block_ + j;
      if (o >= s.out_channels) break;
      const std::int64_t base = (j * in_per_block_ + in_per_block_ - 1) * region_ + kernel_span_;
      for (std::int64_t y = 0; y < s.out_height; ++y) {
        for (std::int64_t x = 0; x < s.out_width; ++x) {
          positions.push_back(
              static_cast<std::uint32_t>(base + y * s.stride * padded_width_ + x * s.stride));
          elements.push_back(static_cast<std::uint32_t>((o * s.out_height + y) * s.out_width + x));
        }
      }
    }
  }
  // Structural kernel terms per output block: Σ over its channels of the
  // input channels of their group (all blocks together) times k².
  const std::uint64_t per_output =
      static_cast<std::uint64_t>(s.in_channels / s.groups * s.kernel * s.kernel);
  kernel_terms_ = per_output * static_cast<std::uint64_t>(out_per_block_);
}

std::uint64_t ConvPacking::output_coefficients() const {
  return static_cast<std::uint64_t>(shape_.out_channels * shape_.out_height * shape_.out_width);
}

void ConvPacking::encode_input(std::size_t block, std::span<const std::uint64_t> input,
                               std::span<std::uint64_t> coefficients) const {
  const auto& s = shape_;
  if (input.size() != static_cast<std::size_t>(s.in_channels * s.in_height * s.in_width) ||
      coefficients.size() != degree_ || block >= input_blocks()) {
    throw HeError("conv packing: encode_input called with the wrong sizes for " + describe(s));
  }
  std::fill(coefficients.begin(), coefficients.end(), 0);
  const std::int64_t first = static_cast<std::int64_t>(block) * in_per_block_;
  const std::int64_t last = std::min(first + in_per_block_, s.in_channels);
  for (std::int64_t c = first; c < last; ++c) {
    const std::int64_t base = (c - first) * region_;
    for (std::int64_t y = 0; y < s.in_height; ++y) {
      for (std::int64_t x = 0; x < s.in_width; ++x) {
        coefficients[static_cast<std::size_t>(base + (y + s.padding) * padded_width_ + x +
                                              s.padding)] =
            input[static_cast<std::size_t>((c * s.in_height + y) * s.in_width + x)];
      }
    }
  }
}

bool ConvPacking::connected(std::size_t out_block, std::size_t in_block) const {
  const auto& s = shape_;
  const std::int64_t in_group = s.in_channels / s.groups, out_group = s.out_channels / s.groups;
  const std::int64_t o_first = static_cast<std::int64_t>(out_block) * out_per_block_;
  const std::int64_t o_last = std::min(o_first + out_per_block_, s.out_channels) - 1;
  const std::int64_t c_first = static_cast<std::int64_t>(in_block) * in_per_block_;
  const std::int64_t c_last = std::min(c_first + in_per_block_, s.in_channels) - 1;
  // Input channels read by output channels o_first..o_last: groups g_first..g_last.
  const std::int64_t read_first = (o_first / out_group) * in_group;
  const std::int64_t read_last = (o_last / out_group + 1) * in_group - 1;
  return c_first <= read_last && read_first <= c_last;
}

void ConvPacking::encode_kernel(std::size_t out_block, std::size_t in_block,
                                std::span<const std::int64_t> weights,
                                std::span<std::int64_t> coefficients) const {
  const auto& s = shape_;
  const std::int64_t in_group = s.in_channels / s.groups, out_group = s.out_channels / s.groups;
  if (weights.size() != static_cast<std::size_t>(s.out_channels * in_group * s.kernel * s.kernel) ||
      coefficients.size() != degree_ || out_block >= output_blocks() ||
      in_block >= input_blocks()) {
    throw HeError("conv packing: encode_kernel called with the wrong sizes for " + describe(s));
  }
  std::fill(coefficients.begin(), coefficients.end(), 0);
  const std::int64_t c_first = static_cast<std::int64_t>(in_block) * in_per_block_;
  const std::int64_t c_last = std::min(c_first + in_per_block_, s.in_channels);
  for (std::int64_t j = 0; j < out_per_block_; ++j) {
    const std::int64_t o = static_cast<std::int64_t>(out_block) * out_per_block_ + j;
    if (o >= s.out_channels) break;
    const std::int64_t group = o / out_group;
    const std::int64_t lo = std::max(c_first, group * in_group),
                       hi = std::min(c_last, (group + 1) * in_group);
    for (std::int64_t c = lo; c < hi; ++c) {
      const std::int64_t local = c - c_first;
      const std::int64_t base =
          (j * in_per_block_ + in_per_block_ - 1 - local) * region_ + kernel_span_;
      const std::int64_t weight_base =
          (o * in_group + (c - group * in_group)) * s.kernel * s.kernel;
      for (std::int64_t ky = 0; ky < s.kernel; ++ky) {
        for (std::int64_t kx = 0; kx < s.kernel; ++kx) {
          const std::int64_t position = base - ky * s.dilation * padded_width_ - kx * s.dilation;
          coefficients[static_cast<std::size_t>(position)] =
              weights[static_cast<std::size_t>(weight_base + ky * s.kernel + kx)];
        }
      }
    }
  }
}

std::vector<std::uint64_t> ConvPacking::evaluate_plain(
    std::span<const std::uint64_t> input, std::span<const std::int64_t> weights) const {
  std::vector<std::uint64_t> output(static_cast<std::size_t>(output_coefficients()), 0);
  std::vector<std::uint64_t> x(degree_), product(degree_);
  std::vector<std::int64_t> w(degree_);
  for (std::size_t out_block = 0; out_block < output_blocks(); ++out_block) {
    std::fill(product.begin(), product.end(), 0);
    for (std::size_t in_block = 0; in_block < input_blocks(); ++in_block) {
      if (!connected(out_block, in_block)) continue;
      encode_input(in_block, input, x);
      encode_kernel(out_block, in_block, weights, w);
      for (std::size_t i = 0; i < degree_; ++i) {
        if (x[i] == 0) continue;
        for (std::size_t k = 0; k < degree_; ++k) {
          if (w[k] == 0) continue;
          const std::uint64_t term = x[i] * static_cast<std::uint64_t>(w[k]);
          if (i + k < degree_) {
            product[i + k] += term;
          } else {
            product[i + k - degree_] -= term;
          }
        }
      }
    }
    const auto& positions = positions_[out_block];
    for (std::size_t i = 0; i < positions.size(); ++i)
      output[elements_[out_block][i]] = product[positions[i]];
  }
  return output;
}

}  // namespace pinas::he
