#include "nas/cli/calibration_observations.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "proto/error.h"

namespace pinas::cli {

void write_observations(const cost::CalibrationObservations& observations,
                        const std::string& path) {
  nlohmann::json garbled = nlohmann::json::array(), linear = nlohmann::json::array(),
                 he = nlohmann::json::array(), sessions = nlohmann::json::array();
  for (const auto& o : observations.garbled) {
    garbled.push_back({{"kind", o.kind},
                       {"units", o.units},
                       {"and_gates", o.and_gates},
                       {"offline_bytes", o.offline_bytes},
                       {"online_bytes", o.online_bytes},
                       {"offline_s", o.offline_seconds},
                       {"online_s", o.online_seconds},
                       {"step", o.step},
                       {"session", o.session}});
  }
  for (const auto& o : observations.linear) {
    linear.push_back({{"ots", o.ots},
                      {"correction_bytes", o.correction_bytes},
                      {"macs", o.macs},
                      {"bytes", o.bytes},
                      {"seconds", o.seconds}});
  }
  for (const auto& o : observations.he_linear) {
    he.push_back(
        {{"products", o.products}, {"ciphertexts", o.ciphertexts}, {"seconds", o.seconds}});
  }
  for (const auto& o : observations.sessions) {
    sessions.push_back({{"io_elements", o.io_elements},
                        {"linear_macs", o.linear_macs},
                        {"linear_layers", o.linear_layers},
                        {"polynomial_elements", o.polynomial_elements},
                        {"other_online_bytes", o.other_online_bytes},
                        {"other_online_s", o.other_online_seconds},
                        {"other_offline_s", o.other_offline_seconds},
                        {"online_s", o.online_seconds},
                        {"server_online_s", o.server_online_seconds},
                        {"offline_s", o.offline_seconds}});
  }
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw Error(path + ": cannot open for writing");
  out << nlohmann::json{{"garbled", garbled},
                        {"linear", linear},
                        {"he_linear", he},
                        {"sessions", sessions}}
             .dump(1)
      << "\n";
  if (!out) throw Error(path + ": write failed");
}

}  // namespace pinas::cli
