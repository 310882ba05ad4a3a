#include "train/reduction/detail/budget_masks.h"

#include <algorithm>
#include <numeric>

#include "train/detail/mixed_activation_layer.h"

namespace pinas::train::detail {

namespace {

// A unit that is kept or dropped whole: one element, or one channel.
struct Unit {
  float score;
  size_t site;
  int64_t channel;
  int64_t element;  // -1 for a whole channel
  int64_t size;
};

}  // namespace

std::vector<torch::Tensor> budget_masks(const std::vector<ActivationSite>& sites, int64_t budget, double threshold,
                                        bool channel_units) {
  std::vector<Unit> units;
  std::vector<torch::Tensor> masks;
  for (size_t s = 0; s < sites.size(); ++s) {
    const auto& shape = sites[s].shape;
    const auto scores = sites[s].layer->importance().to(torch::kCPU, torch::kFloat32).contiguous();
    masks.push_back(torch::zeros({shape.channels, shape.height, shape.width}, torch::kFloat32));
    const float* data = scores.data_ptr<float>();
    const int64_t plane = shape.height * shape.width;
    for (int64_t c = 0; c < shape.channels; ++c) {
      if (channel_units) {
        const float best = *std::max_element(data + c * plane, data + (c + 1) * plane);
        if (best > threshold) units.push_back({best, s, c, -1, plane});
        continue;
      }
      for (int64_t i = c * plane; i < (c + 1) * plane; ++i) {
        if (data[i] > threshold) units.push_back({data[i], s, c, i, 1});
      }
    }
  }
  std::stable_sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) { return a.score > b.score; });
  int64_t kept = 0;
  for (const Unit& unit : units) {
    if (kept + unit.size > budget) continue;  // a smaller unit further down may still fit
    kept += unit.size;
    auto flat = masks[unit.site].view({-1});
    if (unit.element >= 0) {
      flat[unit.element] = 1.0F;
    } else {
      const int64_t plane = sites[unit.site].shape.height * sites[unit.site].shape.width;
      flat.narrow(0, unit.channel * plane, plane).fill_(1.0F);
    }
  }
  return masks;
}

int64_t mask_ones(const std::vector<torch::Tensor>& masks) {
  int64_t total = 0;
  for (const auto& mask : masks) total += mask.sum().item<int64_t>();
  return total;
}

}  // namespace pinas::train::detail
