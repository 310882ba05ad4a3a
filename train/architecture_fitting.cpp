#include "train/architecture_fitting.h"

#include <fmt/format.h>

#include "proto/error.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/search_space.h"

namespace pinas::train {
namespace {

struct Fit {
  spaces::Shape input;
  int64_t classes = 0;
  bool fits = false;
};

Fit measure(const spaces::Architecture& architecture, const data::DatasetInfo& dataset) {
  Fit fit;
  fit.input = architecture.node(architecture.input_node()).input_shape;
  const auto report = spaces::analyze(architecture);
  fit.classes = report.output.elements();
  fit.fits = fit.input == spaces::Shape{dataset.channels, dataset.height, dataset.width} &&
             fit.classes == static_cast<int64_t>(dataset.class_count());
  return fit;
}

std::string mismatch_message(const spaces::Architecture& architecture, const Fit& fit,
                             const data::DatasetInfo& dataset) {
  return fmt::format(
      "architecture '{}' takes {} input with {} classes, but dataset '{}' has {}x{}x{} images and {} classes "
      "(only architectures built from a genotype can be rebuilt for another shape)",
      architecture.name(), fit.input.to_string(), fit.classes, dataset.name, dataset.channels, dataset.height,
      dataset.width, dataset.class_count());
}

}  // namespace

spaces::Architecture fit_architecture(const spaces::Architecture& architecture, const data::DatasetInfo& dataset) {
  const Fit fit = measure(architecture, dataset);
  if (fit.fits) return architecture;
  if (architecture.space().empty() || architecture.genotype().empty()) {
    throw Error(mismatch_message(architecture, fit, dataset));
  }
  auto space = spaces::make_search_space(architecture.space());
  auto rebuilt = space->build(space->parse(architecture.genotype()),
                              spaces::Shape{dataset.channels, dataset.height, dataset.width},
                              static_cast<int64_t>(dataset.class_count()));
  rebuilt.set_name(architecture.name());
  return rebuilt;
}

void check_architecture_fits(const spaces::Architecture& architecture, const data::DatasetInfo& dataset) {
  const Fit fit = measure(architecture, dataset);
  if (!fit.fits) throw Error(mismatch_message(architecture, fit, dataset));
}

}  // namespace pinas::train
