// The local kernels against a direct, loop-per-MAC implementation: the
// reference evaluator and both parties' online linear layers run them, so a
// bug here would agree with itself in every protocol test.
#include <gtest/gtest.h>

#include <random>

#include "crypto/pi/detail/ring.h"
#include "crypto/pi/detail/tensor_ops.h"

namespace pinas::pi {
namespace {

std::vector<std::uint64_t> direct_convolution(const ConvGeometry& g,
                                              const std::vector<std::uint64_t>& weights,
                                              const std::vector<std::uint64_t>& input,
                                              const detail::Ring& ring) {
  std::vector<std::uint64_t> output(static_cast<std::size_t>(g.output.elements()), 0);
  const std::int64_t in_group = g.input_channels_per_group(),
                     out_group = g.output_channels_per_group();
  for (std::int64_t o = 0; o < g.output.channels; ++o) {
    for (std::int64_t oy = 0; oy < g.output.height; ++oy) {
      for (std::int64_t ox = 0; ox < g.output.width; ++ox) {
        std::uint64_t sum = 0;
        for (std::int64_t ci = 0; ci < in_group; ++ci) {
          const std::int64_t channel = (o / out_group) * in_group + ci;
          for (std::int64_t ky = 0; ky < g.kernel; ++ky) {
            for (std::int64_t kx = 0; kx < g.kernel; ++kx) {
              const std::int64_t iy = oy * g.stride - g.padding + ky * g.dilation;
              const std::int64_t ix = ox * g.stride - g.padding + kx * g.dilation;
              if (iy < 0 || iy >= g.input.height || ix < 0 || ix >= g.input.width) continue;
              sum += weights[static_cast<std::size_t>(
                         ((o * in_group + ci) * g.kernel + ky) * g.kernel + kx)] *
                     input[static_cast<std::size_t>(
                         (channel * g.input.height + iy) * g.input.width + ix)];
            }
          }
        }
        output[static_cast<std::size_t>((o * g.output.height + oy) * g.output.width + ox)] =
            ring.reduce(sum);
      }
    }
  }
  return output;
}

std::int64_t output_size(std::int64_t in, const ConvGeometry& g) {
  return (in + 2 * g.padding - g.dilation * (g.kernel - 1) - 1) / g.stride + 1;
}

TEST(TensorOps, ConvolutionEqualsTheDirectSumForEveryGeometry) {
  std::mt19937_64 random(11);
  int checked = 0;
  for (std::uint32_t bits : {16u, 37u, 64u}) {
    const detail::Ring ring(bits);
    for (int kernel : {1, 3, 5}) {
      for (int stride : {1, 2}) {
        for (int dilation : {1, 2}) {
          for (int groups : {1, 2, 6}) {
            ConvGeometry g;
            g.kernel = kernel;
            g.stride = stride;
            g.dilation = dilation;
            g.groups = groups;
            g.padding = static_cast<std::int32_t>(random() % 3);
            // Sizes that leave partial pixel blocks and channel remainders.
            g.input = {6, 7 + static_cast<std::int64_t>(random() % 30),
                       9 + static_cast<std::int64_t>(random() % 30)};
            g.output.channels = groups * (1 + static_cast<std::int64_t>(random() % 7));
            g.output.height = output_size(g.input.height, g);
            g.output.width = output_size(g.input.width, g);
            if (g.output.height <= 0 || g.output.width <= 0) continue;
            std::vector<std::uint64_t> weights(static_cast<std::size_t>(g.weight_count()));
            for (auto& w : weights)
              w = random() % 4 == 0 ? 0 : ring.reduce(random());  // zeros are skipped
            std::vector<std::uint64_t> input(static_cast<std::size_t>(g.input.elements()));
            for (auto& x : input) x = ring.reduce(random());
            std::vector<std::uint64_t> output(static_cast<std::size_t>(g.output.elements()));
            detail::convolve(g, weights, input, output, ring);
            ASSERT_EQ(output, direct_convolution(g, weights, input, ring))
                << "ℓ=" << bits << " k=" << kernel << " stride=" << stride
                << " dilation=" << dilation << " groups=" << groups << " padding=" << g.padding;
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 90);
}

TEST(TensorOps, LinearLayerIsAOneByOneConvolution) {
  const detail::Ring ring(64);
  ConvGeometry g;
  g.input = {300, 1, 1};
  g.output = {10, 1, 1};
  std::mt19937_64 random(5);
  std::vector<std::uint64_t> weights(3000), input(300), output(10);
  for (auto& w : weights) w = random();
  for (auto& x : input) x = random();
  detail::convolve(g, weights, input, output, ring);
  EXPECT_EQ(output, direct_convolution(g, weights, input, ring));
}

}  // namespace
}  // namespace pinas::pi
