// Model file bytes (envelope and payload) -> pb::Model: a clean pinas::Error,
// or a model that encodes back to a file which decodes to the same model.
#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/error.h"
#include "search_spaces/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto model = pinas::spaces::decode_model(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz input");
    const std::string again = pinas::spaces::encode_model(model);
    if (pinas::spaces::encode_model(pinas::spaces::decode_model(again, "re-encoded")) != again) {
      __builtin_trap();
    }
  } catch (const pinas::Error&) {
  }
  return 0;
}
