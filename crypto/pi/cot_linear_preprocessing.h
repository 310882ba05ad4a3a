#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/net/channel.h"
#include "crypto/ot/iknp_receiver.h"
#include "crypto/ot/iknp_sender.h"
#include "crypto/pi/linear_preprocessing.h"

namespace pinas::pi {

// The estimated bytes of each choice: 16 per OT (IKNP) plus the packed
// correction vectors, Σ over uses of Σ_j (ℓ - j) bits. Thread-safe.
struct DecompositionCost {
  std::uint64_t input_ots = 0, weight_ots = 0;
  std::uint64_t input_bytes = 0, weight_bytes = 0;
  Decomposition cheaper() const {
    return weight_bytes <= input_bytes ? Decomposition::kWeight : Decomposition::kInput;
  }
};
DecompositionCost decomposition_cost(const ConvGeometry& geometry, const FixedPointConfig& config);

// Gilboa products over IKNP random OT, expanded to vector correlated OT (see
// detail/gilboa.h). Owns two IKNP pairs on `channel`, one per direction,
// with their own Δs (independent of the garbling Δ). The server constructs
// it with is_server = true, the client with false. Not thread-safe.
class CotLinearPreprocessing : public LinearPreprocessing {
 public:
  CotLinearPreprocessing(bool is_server, crypto::Channel& channel, const FixedPointConfig& config);
  ~CotLinearPreprocessing() override;

  std::string name() const override { return "cot-gilboa"; }
  void setup() override;
  std::vector<std::uint64_t> server_linear(const std::string& node, const LinearStep& layer) override;
  std::vector<std::uint64_t> client_linear(const std::string& node, const ConvGeometry& geometry,
                                           std::span<const std::uint64_t> input) override;
  std::vector<std::uint64_t> server_elementwise(const std::string& node,
                                                std::span<const std::uint64_t> a) override;
  std::vector<std::uint64_t> client_elementwise(const std::string& node,
                                                std::span<const std::uint64_t> b) override;

  // Overrides the cost-based choice (both parties must agree; for tests and
  // measurements). std::nullopt restores the automatic choice.
  void force_decomposition(std::optional<Decomposition> side) { forced_ = side; }

  // One entry per call, in call order.
  const std::vector<LinearLayerCost>& costs() const override { return costs_; }

 private:
  void begin_cost(const std::string& node, Decomposition side, std::int64_t macs, std::uint64_t ots);
  void end_cost();
  Decomposition choose(const ConvGeometry& geometry, std::uint64_t& ots) const;

  bool is_server_;
  crypto::Channel& channel_;
  FixedPointConfig config_;
  // Server: forward sender + reverse receiver; client: the mirror.
  std::unique_ptr<crypto::IknpSender> sender_;
  std::unique_ptr<crypto::IknpReceiver> receiver_;
  std::optional<Decomposition> forced_;
  std::vector<LinearLayerCost> costs_;
  std::uint64_t start_sent_ = 0, start_received_ = 0;
  double start_seconds_ = 0;
};

}  // namespace pinas::pi
