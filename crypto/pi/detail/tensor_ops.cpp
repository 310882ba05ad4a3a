#include "crypto/pi/detail/tensor_ops.h"

#include <algorithm>

namespace pinas::pi::detail {

void convolve(const ConvGeometry& g, std::span<const std::uint64_t> weights,
              std::span<const std::uint64_t> input, std::span<std::uint64_t> output,
              const Ring& ring) {
  std::fill(output.begin(), output.end(), 0);
  const std::int64_t in_per_group = g.input_channels_per_group();
  const std::int64_t out_per_group = g.output_channels_per_group();
  const std::int64_t in_h = g.input.height, in_w = g.input.width;
  const std::int64_t out_h = g.output.height, out_w = g.output.width;
  const std::int64_t k = g.kernel;
  for (std::int64_t o = 0; o < g.output.channels; ++o) {
    const std::int64_t group = o / out_per_group;
    std::uint64_t* out = output.data() + o * out_h * out_w;
    for (std::int64_t ci = 0; ci < in_per_group; ++ci) {
      const std::uint64_t* in = input.data() + (group * in_per_group + ci) * in_h * in_w;
      for (std::int64_t ky = 0; ky < k; ++ky) {
        for (std::int64_t kx = 0; kx < k; ++kx) {
          const std::uint64_t w = weights[((o * in_per_group + ci) * k + ky) * k + kx];
          if (w == 0) continue;
          for (std::int64_t oy = 0; oy < out_h; ++oy) {
            const std::int64_t iy = oy * g.stride - g.padding + ky * g.dilation;
            if (iy < 0 || iy >= in_h) continue;
            const std::uint64_t* in_row = in + iy * in_w;
            std::uint64_t* out_row = out + oy * out_w;
            const std::int64_t x_offset = kx * g.dilation - g.padding;
            for (std::int64_t ox = 0; ox < out_w; ++ox) {
              const std::int64_t ix = ox * g.stride + x_offset;
              if (ix < 0 || ix >= in_w) continue;
              out_row[ox] += w * in_row[ix];
            }
          }
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
  return step.shift == 0 ? ElementKind::kPass : ElementKind::kTruncate;
}

}  // namespace pinas::pi::detail
