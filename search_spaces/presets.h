#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/genotype.pb.h"
#include "search_spaces/architecture.h"

namespace pinas::spaces {

// Named reference networks, all built from their space's genotype:
//   resnet18-cifar      ResNet-18 on 3x32x32, 10 classes: 557,056 ReLUs
//   resnet32-cifar      ResNet-32 on 3x32x32:              303,104 ReLUs
//   resnet20-cifar      ResNet-20 on 3x32x32:              188,416 ReLUs
//   cryptonas-cnet1     CryptoNAS, 6 layers x 14 channels, 3x32x32: 86,016 ReLUs
//   cryptonas-fmnist    CryptoNAS, 6 layers x 16 channels, 1x28x28: 75,264 ReLUs
//   nb201-resnet        NAS-Bench-201's ResNet-like cell on 3x32x32
//   sphynx-c10          a Sphynx network on 3x32x32
// Throws SpaceError naming an unknown preset and listing the known ones.
Architecture make_preset(std::string_view name);
// The genotype (with input_shape and num_classes set) behind a preset.
pb::Genotype preset_genotype(std::string_view name);
std::vector<std::string> preset_names();

// A preset name, a genotype key as `pinas top` prints it
// ("<space>:<genotype>[@CxHxW/<classes>]", parse_genotype_key), or a file
// holding a pb::Architecture, a pb::Genotype (text or binary protobuf) or a
// model file (search_spaces/model_file.h). A genotype is built with its own
// input_shape/num_classes, else 3x32x32 and 10 classes. An existing file wins
// over a key of the same spelling. Throws SpaceError for an unknown name that
// is not a file or a malformed key (naming the bad part),
// ArchitectureFileError naming the file and line:column (text) or what is
// wrong (binary), GraphError / SpaceError for an invalid content.
Architecture load_architecture(const std::string& preset_or_path);

// Reads a genotype file (text or binary). Throws ArchitectureFileError.
pb::Genotype load_genotype(const std::string& path);

}  // namespace pinas::spaces
