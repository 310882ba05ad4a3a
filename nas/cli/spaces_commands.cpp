// `pinas spaces`, `pinas sample` and `pinas inspect`: the search spaces, their
// genotypes, and the per-layer ReLU / MAC / parameter accounting of any
// architecture (a preset name or a file).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "nas/cli/command_registry.h"
#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"

namespace pinas::cli {
namespace {

using namespace pinas::spaces;

nlohmann::json shape_json(const Shape& shape) {
  return nlohmann::json::array({shape.channels, shape.height, shape.width});
}

// "3x32x32" -> Shape; throws naming the option.
Shape parse_shape(const std::string& text) {
  Shape shape;
  char separator1 = 0, separator2 = 0, extra = 0;
  long long c = 0, h = 0, w = 0;
  if (std::sscanf(text.c_str(), "%lld%c%lld%c%lld%c", &c, &separator1, &h, &separator2, &w, &extra) != 5 ||
      separator1 != 'x' || separator2 != 'x' || c <= 0 || h <= 0 || w <= 0) {
    throw SpaceError(fmt::format("--input: '{}' is not CxHxW with positive sizes (e.g. 3x32x32)", text));
  }
  shape = {c, h, w};
  return shape;
}

void list_spaces(bool json) {
  nlohmann::json result = nlohmann::json::array();
  for (const auto& name : search_space_names()) {
    const auto space = make_search_space(name);
    const SpaceSize size = space->size();
    nlohmann::json entry{{"name", name}, {"size", size.approximate}, {"size_text", size.to_string()},
                         {"summary", space->summary()}};
    if (size.exact) entry["exact_size"] = *size.exact;
    result.push_back(entry);
  }
  if (json) {
    std::cout << nlohmann::json{{"spaces", result}, {"presets", preset_names()}}.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{:<10} {:>16}  {}\n", "space", "size", "description");
  for (const auto& entry : result) {
    std::cout << fmt::format("{:<10} {:>16}  {}\n", entry["name"].get<std::string>(),
                             entry["size_text"].get<std::string>(), entry["summary"].get<std::string>());
  }
  std::cout << "presets: " << fmt::format("{}", fmt::join(preset_names(), ", ")) << "\n";
}

struct SampleOptions {
  std::string space;
  std::uint64_t seed = 0;
  std::string out;
  std::string input;
  std::int64_t classes = 0;
  bool describe = false;
};

void sample(const SampleOptions& options) {
  const auto space = make_search_space(options.space);
  std::mt19937_64 random(options.seed);
  pb::Genotype genotype = space->sample(random);
  if (!options.input.empty()) *genotype.mutable_input_shape() = parse_shape(options.input).to_proto();
  if (options.classes < 0) throw SpaceError("--classes must be positive");
  if (options.classes > 0) genotype.set_num_classes(options.classes);
  if (!options.out.empty()) {
    save_genotype(genotype, options.out);
  } else if (options.describe) {
    std::cout << space->describe(genotype) << "\n";
  } else {
    std::cout << print_text_message(genotype);
  }
}

struct InspectOptions {
  std::string architecture;
  bool json = false;
  bool totals = false;
  std::string save;
};

void inspect(const InspectOptions& options) {
  const Architecture architecture = load_architecture(options.architecture);
  const CostReport report = analyze(architecture);
  if (!options.save.empty()) save_architecture(architecture, options.save);
  if (options.totals) {
    std::cout << fmt::format("relus={} macs={} params={} output={} genotype={}\n", report.relus, report.macs,
                             report.params, report.output.to_string(),
                             architecture.genotype().empty() ? architecture.name() : architecture.genotype());
    return;
  }
  if (options.json) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& layer : report.layers) {
      nlohmann::json inputs = nlohmann::json::array();
      for (NodeId input : architecture.inputs(layer.node)) inputs.push_back(architecture.node(input).name);
      layers.push_back({{"node", layer.name}, {"op", op_name(layer.op)}, {"inputs", inputs},
                        {"output", shape_json(layer.output)}, {"relus", layer.relus},
                        {"polynomial_elements", layer.polynomial_elements}, {"macs", layer.macs},
                        {"params", layer.params}});
    }
    const nlohmann::json result{{"name", architecture.name()}, {"space", architecture.space()},
                                {"genotype", architecture.genotype()}, {"num_classes", architecture.num_classes()},
                                {"relus", report.relus}, {"polynomial_elements", report.polynomial_elements},
                                {"macs", report.macs}, {"params", report.params},
                                {"output", shape_json(report.output)}, {"layers", layers}};
    std::cout << result.dump(2) << "\n";
    return;
  }
  std::size_t width = 4;
  for (const auto& layer : report.layers) width = std::max(width, layer.name.size());
  std::cout << architecture.name();
  if (!architecture.space().empty()) std::cout << " (" << architecture.space() << ": " << architecture.genotype() << ")";
  std::cout << "\n";
  std::cout << fmt::format("{:<{}}  {:<15} {:>12} {:>12} {:>14} {:>12}\n", "node", width, "op", "output",
                           "ReLUs", "MACs", "params");
  for (const auto& layer : report.layers) {
    std::cout << fmt::format("{:<{}}  {:<15} {:>12} {:>12} {:>14} {:>12}\n", layer.name, width,
                             op_name(layer.op), layer.output.to_string(), layer.relus, layer.macs,
                             layer.params);
  }
  std::cout << fmt::format("{:<{}}  {:<15} {:>12} {:>12} {:>14} {:>12}\n", "total", width, "",
                           report.output.to_string(), report.relus, report.macs, report.params);
  if (report.polynomial_elements > 0) {
    std::cout << fmt::format("polynomial elements (replaced ReLUs with an x² term): {}\n",
                             report.polynomial_elements);
  }
}

const CommandRegistration registration("spaces", [](CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* spaces = app.add_subcommand("spaces", "List the search spaces with their sizes, and the presets");
  spaces->add_flag("--json", *json, "print one JSON document");
  spaces->callback([json] { list_spaces(*json); });

  auto sample_options = std::make_shared<SampleOptions>();
  CLI::App* sample_command = app.add_subcommand("sample", "Draw a genotype from a search space (protobuf text format)");
  sample_command->add_option("--space", sample_options->space, "cryptonas, sphynx, nb201 or resnet")->required();
  sample_command->add_option("--seed", sample_options->seed, "random seed (default 0)");
  sample_command->add_option("--out", sample_options->out, "write to FILE (binary if it ends in .pb or .bin)");
  sample_command->add_option("--input", sample_options->input, "record an input shape CxHxW in the genotype");
  sample_command->add_option("--classes", sample_options->classes, "record a class count in the genotype");
  sample_command->add_flag("--describe", sample_options->describe, "print the readable genotype string instead");
  sample_command->callback([sample_options] { sample(*sample_options); });

  auto inspect_options = std::make_shared<InspectOptions>();
  CLI::App* inspect_command = app.add_subcommand(
      "inspect", "Per-layer output shape, ReLUs, MACs and parameters of an architecture");
  inspect_command
      ->add_option("architecture", inspect_options->architecture,
                   "a preset name, a genotype key as pinas top prints it, or a file (architecture, "
                   "genotype or model)")
      ->required();
  inspect_command->add_flag("--json", inspect_options->json, "print one JSON document");
  inspect_command->add_flag("--totals", inspect_options->totals,
                            "print only one line: relus=... macs=... params=... output=... genotype=...");
  inspect_command->add_option("--save", inspect_options->save,
                              "also write the IR to FILE (binary if it ends in .pb or .bin)");
  inspect_command->callback([inspect_options] { inspect(*inspect_options); });
});

}  // namespace
}  // namespace pinas::cli
