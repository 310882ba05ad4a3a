#include "crypto/pi/linear_preprocessing.h"

#include "crypto/pi/cot_linear_preprocessing.h"
#include "crypto/pi/he_linear_preprocessing.h"

namespace pinas::pi {

std::unique_ptr<LinearPreprocessing> make_linear_preprocessing(bool is_server,
                                                               crypto::Channel& channel,
                                                               const FixedPointNetwork& network) {
  if (network.config().linear_backend == LinearBackend::kHe) {
    return std::make_unique<HeLinearPreprocessing>(is_server, channel, network);
  }
  return std::make_unique<CotLinearPreprocessing>(is_server, channel, network.config());
}

}  // namespace pinas::pi
