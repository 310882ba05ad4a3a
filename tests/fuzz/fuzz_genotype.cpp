// Genotype text, binary (protobuf) and key ("<space>:<describe>[@CxHxW/N]",
// what `pinas top` prints and `pinas cost --batch` reads) -> pb::Genotype: a
// clean pinas::Error, or a member of its space whose key parses back to the
// same genotype, whose network builds (or is refused with a clean error, e.g.
// an input too small for its reductions) and whose fast cost count equals the
// built network's accounting.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/error.h"
#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"
#include "tests/fuzz/detail/seed_files.h"

namespace {

void check_member(const pinas::pb::Genotype& genotype) {
  using namespace pinas::spaces;
  make_search_space(genotype)->check(genotype);
  const std::string key = genotype_key(genotype);
  if (genotype_key(parse_genotype_key(key)) != key) __builtin_trap();
  // The fast counting path a search screens candidates with must agree
  // with the accounting of the network it builds.
  const Architecture architecture = build_genotype(genotype);
  const CostReport report = analyze(architecture);
  const Shape input =
      genotype.has_input_shape() ? Shape::from_proto(genotype.input_shape()) : Shape{3, 32, 32};
  const std::int64_t classes = genotype.num_classes() != 0 ? genotype.num_classes() : 10;
  if (!(make_search_space(genotype)->count(genotype, input, classes) == report.totals())) {
    __builtin_trap();
  }
}

}  // namespace

// Seeds: a preset genotype of each space in text, binary and key form.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!pinas::fuzz::writing_seeds()) return 0;
  for (const char* preset : {"cryptonas-fmnist", "sphynx-c10", "nb201-resnet", "resnet20-cifar"}) {
    const auto genotype = pinas::spaces::preset_genotype(preset);
    std::string binary;
    genotype.SerializeToString(&binary);
    pinas::fuzz::write_seed("fuzz_genotype", std::string(preset) + ".textproto",
                            pinas::spaces::print_text_message(genotype));
    pinas::fuzz::write_seed("fuzz_genotype", std::string(preset) + ".pb", binary);
    pinas::fuzz::write_seed("fuzz_genotype", std::string(preset) + ".key",
                            pinas::spaces::genotype_key(genotype));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    pinas::pb::Genotype genotype;
    pinas::spaces::parse_text_message(bytes, "fuzz input", genotype);
    check_member(genotype);
  } catch (const pinas::Error&) {
  }
  try {
    pinas::pb::Genotype genotype;
    if (genotype.ParseFromString(bytes)) check_member(genotype);
  } catch (const pinas::Error&) {
  }
  try {
    check_member(pinas::spaces::parse_genotype_key(std::string_view(bytes)));
  } catch (const pinas::Error&) {
  }
  return 0;
}
