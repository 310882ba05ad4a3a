#include "crypto/pi/detail/tensor_ops.h"

#include <algorithm>

namespace pinas::pi::detail {

namespace {

// Output pixels are processed in blocks of this many so that the unfolded
// input block (input channels per group × k² rows) stays cache-sized.
constexpr std::int64_t kPixelBlock = 256;

// out_c[p] += w_c · row[p] for four output channels c: the row is loaded once
// for four channels. (An AVX-512DQ build of this loop, with its native 64-bit
// multiply, measured 2x slower on the development machine, so there is none.)
void accumulate_four(std::uint64_t* __restrict out0, std::uint64_t* __restrict out1,
                     std::uint64_t* __restrict out2, std::uint64_t* __restrict out3,
                     const std::uint64_t* __restrict row, std::uint64_t w0, std::uint64_t w1,
                     std::uint64_t w2, std::uint64_t w3, std::int64_t count) {
  for (std::int64_t p = 0; p < count; ++p) {
    const std::uint64_t x = row[p];
    out0[p] += w0 * x;
    out1[p] += w1 * x;
    out2[p] += w2 * x;
    out3[p] += w3 * x;
  }
}

}  // namespace

// An im2col formulation: the input patch of each output pixel is unfolded
// into rows of `columns` (zero where the window hangs over the padding), so
// that the multiply-accumulate runs over long contiguous rows and
// vectorizes. Wrapping uint64 arithmetic is exact modulo 2^ℓ.
void convolve(const ConvGeometry& g, std::span<const std::uint64_t> weights,
              std::span<const std::uint64_t> input, std::span<std::uint64_t> output,
              const Ring& ring) {
  std::fill(output.begin(), output.end(), 0);
  const std::int64_t in_per_group = g.input_channels_per_group();
  const std::int64_t out_per_group = g.output_channels_per_group();
  const std::int64_t in_h = g.input.height, in_w = g.input.width;
  const std::int64_t out_w = g.output.width;
  const std::int64_t pixels = g.output.height * out_w;
  const std::int64_t k = g.kernel;
  const std::int64_t patch = in_per_group * k * k;
  const std::int64_t groups = g.output.channels / out_per_group;
  std::vector<std::uint64_t> columns(
      static_cast<std::size_t>(patch * std::min(pixels, kPixelBlock)));
  for (std::int64_t group = 0; group < groups; ++group) {
    for (std::int64_t first = 0; first < pixels; first += kPixelBlock) {
      const std::int64_t count = std::min(kPixelBlock, pixels - first);
      for (std::int64_t ci = 0; ci < in_per_group; ++ci) {
        const std::uint64_t* in = input.data() + (group * in_per_group + ci) * in_h * in_w;
        for (std::int64_t ky = 0; ky < k; ++ky) {
          for (std::int64_t kx = 0; kx < k; ++kx) {
            std::uint64_t* row = columns.data() + ((ci * k + ky) * k + kx) * count;
            for (std::int64_t p = 0; p < count; ++p) {
              const std::int64_t oy = (first + p) / out_w, ox = (first + p) % out_w;
              const std::int64_t iy = oy * g.stride - g.padding + ky * g.dilation;
              const std::int64_t ix = ox * g.stride - g.padding + kx * g.dilation;
              row[p] = (iy < 0 || iy >= in_h || ix < 0 || ix >= in_w) ? 0 : in[iy * in_w + ix];
            }
          }
        }
      }
      // Four output channels at a time: each unfolded row is loaded once per four.
      const std::int64_t first_channel = group * out_per_group,
                         end_channel = first_channel + out_per_group;
      std::int64_t o = first_channel;
      for (; o + 4 <= end_channel; o += 4) {
        std::uint64_t* out0 = output.data() + o * pixels + first;
        std::uint64_t* out1 = out0 + pixels;
        std::uint64_t* out2 = out1 + pixels;
        std::uint64_t* out3 = out2 + pixels;
        const std::uint64_t* w = weights.data() + o * patch;
        for (std::int64_t j = 0; j < patch; ++j) {
          const std::uint64_t w0 = w[j], w1 = w[patch + j], w2 = w[2 * patch + j],
                              w3 = w[3 * patch + j];
          if ((w0 | w1 | w2 | w3) == 0) continue;
          accumulate_four(out0, out1, out2, out3, columns.data() + j * count, w0, w1, w2, w3,
                          count);
        }
      }
      for (; o < end_channel; ++o) {
        std::uint64_t* out = output.data() + o * pixels + first;
        const std::uint64_t* w = weights.data() + o * patch;
        for (std::int64_t j = 0; j < patch; ++j) {
          if (w[j] == 0) continue;
          const std::uint64_t weight = w[j];
          const std::uint64_t* row = columns.data() + j * count;
          for (std::int64_t p = 0; p < count; ++p) out[p] += weight * row[p];
        }
      }
    }
  }
  for (auto& value : output) value = ring.reduce(value);
}

void add_bias(const ConvGeometry& g, std::span<const std::uint64_t> bias,
              std::span<std::uint64_t> output, const Ring& ring) {
  if (bias.empty()) return;
  const std::int64_t plane = g.output.height * g.output.width;
  for (std::int64_t o = 0; o < g.output.channels; ++o) {
    for (std::int64_t i = 0; i < plane; ++i) {
      output[o * plane + i] = ring.add(output[o * plane + i], bias[o]);
    }
  }
}

void pool(const PoolStep& step, const spaces::Shape& in, const spaces::Shape& out,
          std::span<const std::uint64_t> input, std::span<std::uint64_t> output, const Ring& ring) {
  for (std::int64_t c = 0; c < out.channels; ++c) {
    for (std::int64_t oy = 0; oy < out.height; ++oy) {
      for (std::int64_t ox = 0; ox < out.width; ++ox) {
        std::uint64_t sum = 0;
        for (std::int64_t ky = 0; ky < step.kernel_height; ++ky) {
          const std::int64_t iy = oy * step.stride - step.padding + ky;
          if (iy < 0 || iy >= in.height) continue;
          for (std::int64_t kx = 0; kx < step.kernel_width; ++kx) {
            const std::int64_t ix = ox * step.stride - step.padding + kx;
            if (ix < 0 || ix >= in.width) continue;
            sum += input[(c * in.height + iy) * in.width + ix];
          }
        }
        output[(c * out.height + oy) * out.width + ox] = ring.multiply(sum, step.multiplier);
      }
    }
  }
}

void add(std::span<const std::span<const std::uint64_t>> inputs,
         std::span<const std::uint32_t> shifts, std::span<std::uint64_t> output, const Ring& ring) {
  std::fill(output.begin(), output.end(), 0);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::uint64_t factor = std::uint64_t{1} << shifts[i];
    for (std::size_t j = 0; j < output.size(); ++j) output[j] += inputs[i][j] * factor;
  }
  for (auto& value : output) value = ring.reduce(value);
}

void concatenate(std::span<const std::span<const std::uint64_t>> inputs,
                 std::span<const std::uint32_t> shifts, std::span<std::uint64_t> output,
                 const Ring& ring) {
  std::size_t position = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::uint64_t factor = std::uint64_t{1} << shifts[i];
    for (std::uint64_t value : inputs[i]) output[position++] = ring.multiply(value, factor);
  }
}

std::vector<std::vector<std::uint32_t>> max_pool_windows(const MaxPoolStep& step,
                                                         const spaces::Shape& in,
                                                         const spaces::Shape& out) {
  std::vector<std::vector<std::uint32_t>> windows;
  windows.reserve(static_cast<std::size_t>(out.elements()));
  for (std::int64_t c = 0; c < out.channels; ++c) {
    for (std::int64_t oy = 0; oy < out.height; ++oy) {
      for (std::int64_t ox = 0; ox < out.width; ++ox) {
        std::vector<std::uint32_t> window;
        for (std::int64_t ky = 0; ky < step.kernel; ++ky) {
          const std::int64_t iy = oy * step.stride - step.padding + ky;
          if (iy < 0 || iy >= in.height) continue;
          for (std::int64_t kx = 0; kx < step.kernel; ++kx) {
            const std::int64_t ix = ox * step.stride - step.padding + kx;
            if (ix < 0 || ix >= in.width) continue;
            window.push_back(static_cast<std::uint32_t>((c * in.height + iy) * in.width + ix));
          }
        }
        windows.push_back(std::move(window));
      }
    }
  }
  return windows;
}

ElementKind element_kind(const GarbledStep& step, std::size_t index) {
  if (step.mask.empty() || step.mask[index] != 0) return ElementKind::kRelu;
  if (step.mixed()) return step.quadratic[step.channel_of(index)] ? ElementKind::kPolynomial : ElementKind::kAffine;
  return step.shift == 0 ? ElementKind::kPass : ElementKind::kTruncate;
}

std::vector<std::uint32_t> elements_of_kind(const GarbledStep& step, std::size_t elements, ElementKind kind) {
  std::vector<std::uint32_t> indices;
  for (std::size_t i = 0; i < elements; ++i) {
    if (element_kind(step, i) == kind) indices.push_back(static_cast<std::uint32_t>(i));
  }
  return indices;
}

std::uint64_t replaced_element(const GarbledStep& step, std::size_t index, std::uint64_t x, const Ring& ring) {
  const std::size_t channel = step.channel_of(index);
  const std::uint64_t c1 = step.c1[channel] << step.input_scale;
  const std::uint64_t c0 = step.c0[channel] << (2 * step.input_scale);
  return ring.reduce(step.c2[channel] * x * x + c1 * x + c0);
}

}  // namespace pinas::pi::detail
