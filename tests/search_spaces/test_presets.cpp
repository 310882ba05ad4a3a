#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"

namespace pinas::spaces {
namespace {

std::int64_t relus_of(const char* preset) { return analyze(make_preset(preset)).relus; }

TEST(Presets, ReLUCountsMatchThePublishedFigures) {
  EXPECT_EQ(relus_of("resnet18-cifar"), 557056);
  EXPECT_EQ(relus_of("resnet32-cifar"), 303104);
  EXPECT_EQ(relus_of("resnet20-cifar"), 188416);
  EXPECT_EQ(relus_of("cryptonas-cnet1"), 86016);
  EXPECT_EQ(relus_of("cryptonas-fmnist"), 75264);
}

TEST(Presets, ResNet18HasTheKnownParameterCount) {
  // torchvision-style CIFAR ResNet-18 (3x3 stem, no max pool, 10 classes)
  // has 11,173,962 parameters; our count includes BN's weight and bias, as PyTorch does.
  EXPECT_EQ(analyze(make_preset("resnet18-cifar")).params, 11173962);
}

TEST(Presets, EveryPresetIsValidWithTenLogits) {
  for (const auto& name : preset_names()) {
    const Architecture architecture = make_preset(name);
    const CostReport report = analyze(architecture);
    EXPECT_EQ(report.output, (Shape{10, 1, 1})) << name;
    EXPECT_EQ(architecture.name(), name);
    EXPECT_GT(report.relus, 0) << name;
  }
}

TEST(Presets, UnknownPresetNamesItAndListsTheKnownOnes) {
  try {
    make_preset("resnet19");
    FAIL() << "no error";
  } catch (const SpaceError& error) {
    EXPECT_NE(std::string(error.what()).find("resnet19"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("resnet18-cifar"), std::string::npos);
  }
  EXPECT_THROW(load_architecture("no-such-preset-or-file"), SpaceError);
}

class LoadArchitecture : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("pinas_spaces_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::string write(const std::string& name, const std::string& contents) {
    const auto path = directory_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path.string();
  }
  std::filesystem::path directory_;
};

TEST(LoadArchitectureKeys, ReadsTheGenotypeKeysThatTopPrints) {
  // The key `pinas top` prints builds the same network as the genotype.
  const pb::Genotype genotype = preset_genotype("cryptonas-cnet1");
  const std::string key = genotype_key(genotype);
  EXPECT_EQ(analyze(load_architecture(key)).relus, 86016);
  EXPECT_EQ(load_architecture(key), build_genotype(genotype));
  const std::string sphynx =
      "sphynx:N5-C5-R0.1:normal=skip~0,conv_3x3~1|conv_3x3~0,skip~1|skip~0,skip~3|"
      "skip~1,skip~4;reduce=conv_3x3~0,dil_conv_5x5~1|dil_conv_5x5~0,dil_conv_3x3~2|"
      "dil_conv_5x5~0,dil_conv_3x3~2|conv_3x3~1,skip~2@3x32x32/10";
  EXPECT_EQ(load_architecture(sphynx), build_genotype(parse_genotype_key(sphynx)));
  // A malformed key of a known space names the bad part; an unknown prefix is
  // neither a preset, a key nor a file.
  try {
    load_architecture("sphynx:N5-C5-R0.1:normal=nonsense");
    FAIL() << "no error";
  } catch (const SpaceError& error) {
    EXPECT_NE(std::string(error.what()).find("nonsense"), std::string::npos) << error.what();
  }
  try {
    load_architecture("imagenet:whatever");
    FAIL() << "no error";
  } catch (const SpaceError& error) {
    EXPECT_NE(std::string(error.what()).find("neither a preset"), std::string::npos)
        << error.what();
  }
}

TEST_F(LoadArchitecture, ReadsArchitecturesAndGenotypesInTextAndBinary) {
  const Architecture preset = make_preset("resnet20-cifar");
  EXPECT_EQ(load_architecture(write("a.txt", to_text_format(preset))), preset);
  EXPECT_EQ(load_architecture(write("a.pb", to_binary(preset))), preset);

  const pb::Genotype genotype = preset_genotype("cryptonas-cnet1");
  const std::string text_path = (directory_ / "g.txt").string();
  const std::string binary_path = (directory_ / "g.pb").string();
  save_genotype(genotype, text_path);
  save_genotype(genotype, binary_path);
  EXPECT_EQ(analyze(load_architecture(text_path)).relus, 86016);
  EXPECT_EQ(analyze(load_architecture(binary_path)).relus, 86016);
  EXPECT_EQ(genotype_key(load_genotype(text_path)), genotype_key(genotype));
}

TEST_F(LoadArchitecture, TellsBinaryGenotypesFromBinaryArchitecturesInEverySpace) {
  for (const auto& name : search_space_names()) {
    const auto space = make_search_space(name);
    std::mt19937_64 random(7);
    for (int i = 0; i < 20; ++i) {
      const pb::Genotype genotype = space->sample(random);
      const std::string genotype_path = (directory_ / (name + "_g.pb")).string();
      save_genotype(genotype, genotype_path);
      EXPECT_EQ(genotype_key(load_genotype(genotype_path)), genotype_key(genotype));
      const Architecture built = space->build(genotype, kDefaultInputShape, kDefaultNumClasses);
      EXPECT_EQ(load_architecture(genotype_path).genotype(), built.genotype());
      const std::string architecture_path = (directory_ / (name + "_a.pb")).string();
      save_architecture(built, architecture_path);
      EXPECT_EQ(load_architecture(architecture_path), built);
    }
  }
}

TEST_F(LoadArchitecture, GenotypeWithoutInputUsesCifarDefaults) {
  const std::string path = write("plain.txt", "nb201 { edges: NB201_NOR_CONV_3X3 edges: NB201_NONE "
                                              "edges: NB201_SKIP_CONNECT edges: NB201_NONE "
                                              "edges: NB201_NONE edges: NB201_SKIP_CONNECT }\n");
  const CostReport report = analyze(load_architecture(path));
  EXPECT_EQ(report.output, (Shape{10, 1, 1}));
  const Architecture architecture = load_architecture(path);
  EXPECT_EQ(architecture.node(architecture.input_node()).input_shape, (Shape{3, 32, 32}));
}

TEST_F(LoadArchitecture, MalformedTextNamesTheFileLineAndField) {
  const std::string path = write("bad.txt", "name: \"x\"\nnodes {\n  name: \"input\"\n  kernal: 3\n}\n");
  try {
    load_architecture(path);
    FAIL() << "no error";
  } catch (const ArchitectureFileError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(path + ":4:"), std::string::npos) << message;
    EXPECT_NE(message.find("kernal"), std::string::npos) << message;
  }
}

TEST_F(LoadArchitecture, MalformedGenotypeNamesTheLine) {
  const std::string path = write("bad_genotype.txt", "cryptonas {\n  num_layers: 6\n  channels: fourteen\n}\n");
  try {
    load_architecture(path);
    FAIL() << "no error";
  } catch (const ArchitectureFileError& error) {
    EXPECT_NE(std::string(error.what()).find(path + ":3:"), std::string::npos) << error.what();
  }
}

TEST_F(LoadArchitecture, GenotypeOutsideItsSpaceNamesTheField) {
  const std::string path = write("short.txt", "cryptonas { num_layers: 3 channels: 8 layers {} }\n");
  try {
    load_architecture(path);
    FAIL() << "no error";
  } catch (const SpaceError& error) {
    EXPECT_NE(std::string(error.what()).find("num_layers"), std::string::npos) << error.what();
  }
}

TEST_F(LoadArchitecture, BinaryGarbageIsRefused) {
  EXPECT_THROW(load_architecture(write("garbage.bin", std::string("\x01\x02\xff\xfe\x00\x07", 6))),
               ArchitectureFileError);
}

}  // namespace
}  // namespace pinas::spaces
