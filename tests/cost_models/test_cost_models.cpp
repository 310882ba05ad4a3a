#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <tuple>

#include "cost_models/calibration_fit.h"
#include "cost_models/pi_cost_model.h"
#include "cost_models/relu_count_cost_model.h"
#include "search_spaces/architecture_io.h"
#include "search_spaces/cost_report.h"
#include "search_spaces/presets.h"
#include "search_spaces/search_space.h"

namespace pinas::cost {
namespace {

using spaces::Node;
using spaces::OpType;

// Input 1x4x4 -> conv 2x3x3 (pad 1, bias) -> ReLU -> flatten -> linear 3 -> output.
spaces::Architecture tiny_network() {
  spaces::Architecture architecture("tiny", 3);
  Node input;
  input.name = "input";
  input.op = OpType::Input;
  input.input_shape = {1, 4, 4};
  const auto input_id = architecture.add_node(input, {});
  Node conv;
  conv.name = "conv";
  conv.op = OpType::Conv;
  conv.out_channels = 2;
  conv.kernel = 3;
  conv.padding = 1;
  conv.bias = true;
  const auto conv_id = architecture.add_node(conv, {input_id});
  Node relu;
  relu.name = "relu";
  relu.op = OpType::ReLU;
  const auto relu_id = architecture.add_node(relu, {conv_id});
  Node flatten;
  flatten.name = "flatten";
  flatten.op = OpType::Flatten;
  const auto flatten_id = architecture.add_node(flatten, {relu_id});
  Node linear;
  linear.name = "fc";
  linear.op = OpType::Linear;
  linear.out_channels = 3;
  const auto linear_id = architecture.add_node(linear, {flatten_id});
  Node output;
  output.name = "output";
  output.op = OpType::Output;
  architecture.add_node(output, {linear_id});
  return architecture;
}

TEST(LayerFeatures, CountsEveryProtocolQuantityOfATinyNetwork) {
  const auto architecture = tiny_network();
  ProtocolParameters parameters;
  parameters.ring_bits = 32;
  parameters.fractional_bits = 10;  // weight bits 18, scale limit 30
  const auto features = extract_features(architecture, spaces::analyze(architecture), parameters);
  const auto total = sum_features(features);
  EXPECT_EQ(total.relus, 32);
  EXPECT_EQ(total.linear_macs, 2 * 16 * 9 + 32 * 3);
  EXPECT_EQ(total.linear_inputs, 16 + 32);
  // The conv decomposes its 18 weights (18*18 OTs, 423 correction bits per
  // MAC: 20,412 bytes against 27,200 for its 16 inputs); the linear layer its
  // 32 inputs (32*32 OTs, 528 bits per MAC: 22,720 bytes against 32,724).
  EXPECT_EQ(total.linear_ots, 18 * 18 + 32 * 32);
  EXPECT_EQ(total.linear_correction_bytes, 288 * 423 / 8 + 96 * 528 / 8);
  // Scales stay within 3f: conv 2f, ReLU back to f, linear 2f.
  EXPECT_EQ(total.truncations, 0);
  EXPECT_EQ(total.comparisons, 0);
}

TEST(ReluCountCostModel, CostIsTheExactReluCountOfThePresets) {
  const ReluCountCostModel model;
  EXPECT_EQ(model.cost(spaces::make_preset("resnet18-cifar")), 557056);
  EXPECT_EQ(model.cost(spaces::make_preset("resnet32-cifar")), 303104);
  EXPECT_EQ(model.cost(spaces::make_preset("cryptonas-cnet1")), 86016);
  const auto estimate = model.estimate(spaces::make_preset("cryptonas-cnet1"));
  EXPECT_EQ(estimate.totals.relus, 86016);
  EXPECT_EQ(estimate.cost, 86016);
}

TEST(ReluCountCostModel, AgreesWithTheIrOnRandomCandidatesOfEverySpace) {
  const ReluCountCostModel model;
  std::mt19937_64 rng(7);
  for (const std::string& name : spaces::search_space_names()) {
    const auto space = spaces::make_search_space(name);
    for (int i = 0; i < 20; ++i) {
      const auto architecture = space->build(space->sample(rng), {3, 32, 32}, 10);
      const auto report = spaces::analyze(architecture);
      EXPECT_EQ(model.estimate(architecture).totals.relus, report.relus) << name;
    }
  }
}

pb::PiCalibration unit_calibration() {
  pb::PiCalibration calibration;
  calibration.set_ring_bits(32);
  calibration.set_fractional_bits(10);
  auto* unit = calibration.mutable_unit_costs();
  unit->set_relu_offline_bytes(3000);
  unit->set_relu_online_bytes(600);
  unit->set_relu_online_seconds(2e-6);
  unit->set_truncation_online_bytes(500);
  unit->set_linear_offline_bytes_per_ot(16);
  unit->set_linear_offline_bytes_per_correction_byte(1);
  unit->set_io_online_bytes_per_element(4);
  unit->set_linear_online_seconds_per_mac(1e-9);
  *calibration.mutable_network() = network_preset("lan");
  return calibration;
}

// Bytes and rounds of the tiny network, counted by hand from the protocol
// (OT backend, ℓ = 32, f = 10; crypto/pi's sessions are held to the same
// counts in tests/pi/test_cost_model_traffic.cpp):
//   conv   weight side, 18 weights x 18 bits = 324 OTs -> IKNP pads to 384 rows
//          of 16 bytes; its taps reach 9+12+9+12+16+12+9+12+9 = 100 inputs per
//          (output, input channel), 2 x 100 uses x 423 bits = 84,600 bits in
//          one chunk -> 1,322 words
//   fc     input side (22,720 < 32,724 estimated bytes), 32 inputs x 32 bits =
//          1,024 OTs; 96 uses x 528 bits = 50,688 bits -> 792 words
//   ReLU   32 copies of 3·31 - 10 = 83 AND gates: handshake 2·(40 + 40), IKNP
//          for 32·32 label bits, tables 32·83·32, decoding bits 32·32/8 (the
//          masks' labels are never sent); online the garbler's labels 32·32·16 and the
//          client's parts 32·8
//   online also the masked input and the logits, (16 + 3)·8 bytes; flights:
//          input out, labels in, parts out, logits in: 4, so 2 round trips.
TEST(PiCostModel, BytesAndRoundsAreCountedAsTheProtocolSendsThem) {
  auto calibration = unit_calibration();
  calibration.set_linear_backend("ot");
  const PiCostModel model(calibration);
  const auto estimate = model.estimate(tiny_network());
  const double conv = 384 * 16 + 1322 * 8;
  const double fc = 1024 * 16 + 792 * 8;
  const double relu = 2 * (40 + 40) + 1024 * 16 + 32 * 83 * 32 + 128;
  EXPECT_DOUBLE_EQ(estimate.offline_bytes, conv + fc + relu);
  EXPECT_DOUBLE_EQ(estimate.online_bytes, (16 + 3) * 8 + 32 * 32 * 16 + 32 * 8);
  EXPECT_EQ(estimate.online_rounds, 2);
  ASSERT_EQ(estimate.layers.size(), 3u);
  EXPECT_DOUBLE_EQ(estimate.layers[0].offline_bytes, conv);
  EXPECT_DOUBLE_EQ(estimate.layers[1].offline_bytes, relu);
  EXPECT_DOUBLE_EQ(estimate.layers[2].offline_bytes, fc);
  // Seconds: the features times the unit costs, plus transfer and round trips.
  const double compute = 32 * 2e-6 + (288 + 96) * 1e-9;
  EXPECT_NEAR(estimate.online_seconds, compute + estimate.online_bytes / 125e6 + 2 * 0.5e-3, 1e-12);
  EXPECT_EQ(estimate.cost, estimate.online_seconds);
}

// The fixed costs: one per garbled batch (the tiny network's ReLU is one
// batch), one per linear step online (conv and fc) and per HE layer offline,
// and one per session in each phase.
TEST(PiCostModel, FixedCostsArePerBatchPerLayerAndPerSession) {
  auto calibration = unit_calibration();
  *calibration.mutable_network() = network_preset("loopback");
  const PiCostModel plain(calibration);
  auto* unit = calibration.mutable_unit_costs();
  unit->set_garbled_online_seconds_per_batch(1e-3);
  unit->set_garbled_offline_seconds_per_batch(4e-3);
  unit->set_linear_online_seconds_per_layer(1e-4);
  unit->set_he_offline_seconds_per_layer(2e-2);
  unit->set_online_seconds_per_session(0.5);
  unit->set_offline_seconds_per_session(0.25);
  const PiCostModel fixed(calibration);
  const auto before = plain.estimate(tiny_network());
  const auto after = fixed.estimate(tiny_network());
  EXPECT_NEAR(after.online_seconds - before.online_seconds, 0.5 + 1e-3 + 2 * 1e-4, 1e-12);
  EXPECT_NEAR(after.offline_seconds - before.offline_seconds, 0.25 + 4e-3 + 2 * 2e-2, 1e-12);
  calibration.set_linear_backend("ot");  // no HE layers to pay for
  const auto ot = PiCostModel(calibration).estimate(tiny_network());
  calibration.mutable_unit_costs()->set_he_offline_seconds_per_layer(0);
  EXPECT_NEAR(ot.offline_seconds, PiCostModel(calibration).estimate(tiny_network()).offline_seconds,
              1e-12);
}

TEST(PiCostModel, HeBackendCountsCiphertextsNotMacs) {
  auto calibration = unit_calibration();
  const PiCostModel he(calibration);  // linear_backend empty: HE, the runtime's default
  calibration.set_linear_backend("ot");
  const PiCostModel ot(calibration);
  const auto network = spaces::make_preset("cryptonas-cnet1");
  const auto he_estimate = he.estimate(network);
  const auto ot_estimate = ot.estimate(network);
  EXPECT_EQ(he_estimate.online_bytes, ot_estimate.online_bytes);
  EXPECT_EQ(he_estimate.online_rounds, ot_estimate.online_rounds);
  EXPECT_LT(he_estimate.offline_bytes, ot_estimate.offline_bytes / 5);
  calibration.set_linear_backend("fhe");
  EXPECT_THROW(PiCostModel{calibration}, Error);
}

TEST(PiCostModel, RefusesANegativeUnitCostNamingTheField) {
  auto calibration = unit_calibration();
  calibration.mutable_unit_costs()->set_relu_online_bytes(-1);
  try {
    PiCostModel model(calibration);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("relu_online_bytes"), std::string::npos)
        << error.what();
  }
}

// Found by fuzz_calibration: a calibration file with an out-of-range number
// ("4.7e12081860452106") parses to infinity, which passed the >= 0 check and
// made predicted costs infinite or NaN (inf x 0 features).
TEST(PiCostModel, RefusesAnInfiniteUnitCostFromATextFileNamingTheField) {
  pb::PiCalibration parsed;
  spaces::parse_text_message("unit_costs { relu_online_seconds: 4.7e12081860452106 }",
                             "fuzz finding", parsed);
  ASSERT_TRUE(std::isinf(parsed.unit_costs().relu_online_seconds()));
  pb::PiCalibration calibration = unit_calibration();
  calibration.mutable_unit_costs()->set_relu_online_seconds(
      parsed.unit_costs().relu_online_seconds());
  try {
    PiCostModel model(calibration);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("relu_online_seconds"), std::string::npos)
        << error.what();
  }
  calibration = unit_calibration();
  calibration.mutable_network()->set_round_trip_seconds(std::numeric_limits<double>::infinity());
  EXPECT_THROW(PiCostModel{calibration}, Error);
}

TEST(PiCostModel, CalibrationRoundTripsThroughATextFile) {
  const auto path = std::filesystem::temp_directory_path() / "pinas_calibration_test.txt";
  save_calibration(unit_calibration(), path);
  const auto loaded = load_calibration(path);
  EXPECT_EQ(loaded.SerializeAsString(), unit_calibration().SerializeAsString());
  std::ofstream(path) << "ring_bits: 32\nunit_costs { relu_online_bytes: oops }\n";
  try {
    load_calibration(path);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(":2:"), std::string::npos) << error.what();
  }
  std::filesystem::remove(path);
}

TEST(PiCostModel, NetworkPresetsAreKnownByName) {
  EXPECT_GT(network_preset("wan").round_trip_seconds(), network_preset("lan").round_trip_seconds());
  EXPECT_THROW(network_preset("carrier-pigeon"), Error);
}

}  // namespace
}  // namespace pinas::cost

namespace pinas::cost {
namespace {

TEST(CalibrationFit, RecoversExactLinearCoefficients) {
  const std::vector<double> ots{100, 2000, 50, 700}, corrections{5000, 300, 9000, 1200};
  std::vector<double> bytes;
  for (std::size_t i = 0; i < ots.size(); ++i) bytes.push_back(16 * ots[i] + 1.0 * corrections[i]);
  const auto [a, b] = fit_two_terms(ots, corrections, bytes);
  EXPECT_NEAR(a, 16, 1e-9);
  EXPECT_NEAR(b, 1, 1e-9);
}

TEST(CalibrationFit, NeverReturnsNegativeCoefficients) {
  // y decreases with x2: the unconstrained fit would give b < 0.
  const auto [a, b] = fit_two_terms({1, 2, 3, 4}, {4, 3, 2, 1}, {2, 3, 4, 5});
  EXPECT_GE(a, 0);
  EXPECT_GE(b, 0);
}

TEST(CalibrationFit, NonNegativeFitRecoversFourTermsWithAConstant) {
  std::vector<std::vector<double>> columns(4);
  std::vector<double> y;
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int i = 0; i < 12; ++i) {
    const double a = 1e6 * uniform(random), b = 1e3 * uniform(random), c = 40 * uniform(random);
    columns[0].push_back(a);
    columns[1].push_back(b);
    columns[2].push_back(c);
    columns[3].push_back(1);
    y.push_back(2e-9 * a + 3e-5 * b + 0 * c + 0.125);
  }
  const std::vector<double> fit = fit_non_negative(columns, y);
  EXPECT_NEAR(fit[0], 2e-9, 1e-15);
  EXPECT_NEAR(fit[1], 3e-5, 1e-11);
  EXPECT_NEAR(fit[2], 0, 1e-9);
  EXPECT_NEAR(fit[3], 0.125, 1e-9);
  // A term that only lowers y is held at 0, not made negative.
  for (std::size_t i = 0; i < y.size(); ++i) y[i] -= 1e-3 * columns[2][i];
  const std::vector<double> clipped = fit_non_negative(columns, y);
  for (double coefficient : clipped) EXPECT_GE(coefficient, 0);
  EXPECT_EQ(clipped[2], 0);
  EXPECT_THROW(fit_non_negative(std::vector<std::vector<double>>(11, y), y), Error);
  EXPECT_THROW(fit_non_negative({{1, 2}}, {1, 2, 3}), Error);
}

TEST(CalibrationFit, GarbledSecondsArePerUnitOfEachKindPlusOnePerBatch) {
  CalibrationObservations observations;
  const auto batch = [](std::string kind, std::int64_t units, double per_unit) {
    GarbledObservation observation;
    observation.kind = std::move(kind);
    observation.units = units;
    observation.offline_seconds = 4 * per_unit * static_cast<double>(units) + 2e-3;
    observation.online_seconds = per_unit * static_cast<double>(units) + 1e-4;
    return observation;
  };
  for (std::int64_t units : {224, 3584, 14336, 57344}) {
    observations.garbled.push_back(batch("relu", units, 3e-6));
    observations.garbled.push_back(batch("truncation", units / 4, 2e-6));
  }
  observations.garbled.push_back(batch("max_pool", 8000, 2.5e-6));
  observations.garbled.push_back(batch("circa", 9000, 1.0));  // not this calibration's ReLU
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_NEAR(unit.relu_online_seconds(), 3e-6, 1e-12);
  EXPECT_NEAR(unit.truncation_online_seconds(), 2e-6, 1e-12);
  EXPECT_NEAR(unit.comparison_online_seconds(), 2.5e-6, 1e-12);
  EXPECT_NEAR(unit.garbled_online_seconds_per_batch(), 1e-4, 1e-9);
  EXPECT_NEAR(unit.relu_offline_seconds(), 1.2e-5, 1e-12);
  EXPECT_NEAR(unit.garbled_offline_seconds_per_batch(), 2e-3, 1e-9);
}

// Batches whose messages outgrow the socket buffers cost more per byte: the
// fit finds the knee among the batches' sizes and the premium per byte of a
// batch beyond it.
// ReLU batches of `sizes` elements (776 online bytes each, as the runtime
// sends them) whose online seconds are `seconds(units, bytes)`.
template <typename Seconds>
std::vector<GarbledObservation> relu_batches(const std::vector<std::int64_t>& sizes,
                                             Seconds seconds) {
  std::vector<GarbledObservation> batches;
  for (std::int64_t units : sizes) {
    GarbledObservation observation;
    observation.kind = "relu";
    observation.units = units;
    observation.online_bytes = 776.0 * static_cast<double>(units);
    observation.online_seconds = seconds(static_cast<double>(units), observation.online_bytes);
    batches.push_back(observation);
  }
  return batches;
}

TEST(CalibrationFit, OnlineSecondsFindTheKneeInBatchBytes) {
  CalibrationObservations observations;
  const double knee = 776.0 * 4096;
  observations.garbled =
      relu_batches({512, 1024, 2048, 4096, 8192, 16384, 32768}, [&](double units, double bytes) {
        return 2e-6 * units + 5e-5 + (bytes > knee ? 1.5e-9 * bytes : 0);
      });
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_DOUBLE_EQ(unit.garbled_online_knee_bytes(), knee);
  EXPECT_NEAR(unit.garbled_online_seconds_per_byte_beyond_knee(), 1.5e-9, 1e-14);
  EXPECT_NEAR(unit.relu_online_seconds(), 2e-6, 1e-11);
  EXPECT_NEAR(unit.garbled_online_seconds_per_batch(), 5e-5, 1e-9);
  // The model charges a batch over the knee for its excess bytes.
  pb::PiCalibration calibration = unit_calibration();
  *calibration.mutable_unit_costs() = unit;
  *calibration.mutable_network() = network_preset("loopback");
  const auto network = spaces::make_preset("cryptonas-cnet1");  // 14,336-element ReLU batches
  const auto with_knee = PiCostModel(calibration).estimate(network);
  calibration.mutable_unit_costs()->set_garbled_online_seconds_per_byte_beyond_knee(0);
  const auto without = PiCostModel(calibration).estimate(network);
  EXPECT_GT(with_knee.online_seconds, without.online_seconds);
  EXPECT_EQ(with_knee.offline_seconds, without.offline_seconds);
}

// A step's batches are one row: how the step's time falls among its batches
// (the first pending one waits for all) does not move the fit.
TEST(CalibrationFit, BatchesOfOneStepAreFittedAsOneRow) {
  CalibrationObservations observations;
  std::int64_t step = 0;
  for (std::int64_t units : {1000, 3000, 5000, 9000}) {
    const double total = 3e-6 * static_cast<double>(units + 100) + 2 * 1e-4;
    GarbledObservation big{"relu", units, 0, 0, 0, 0.9 * total, step};
    GarbledObservation border{"relu", 100, 0, 0, 0, 0.1 * total, step};
    observations.garbled.push_back(big);
    observations.garbled.push_back(border);
    ++step;
  }
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_NEAR(unit.relu_online_seconds(), 3e-6, 1e-12);
  EXPECT_NEAR(unit.garbled_online_seconds_per_batch(), 1e-4, 1e-9);
}

// A gradual rise: the premium grows linearly from the knee to its end.
TEST(CalibrationFit, OnlinePremiumRampsFromTheKneeToItsEnd) {
  pb::UnitCosts shape;
  shape.set_garbled_online_knee_bytes(4e6);
  shape.set_garbled_online_knee_end_bytes(12e6);
  EXPECT_EQ(knee_share(3e6, shape), 0);
  EXPECT_DOUBLE_EQ(knee_share(8e6, shape), 0.5);
  EXPECT_EQ(knee_share(20e6, shape), 1);
  CalibrationObservations observations;
  observations.garbled =
      relu_batches({1024, 2048, 4096, 6144, 8192, 10240, 12288, 16384, 24576, 32768},
                   [&](double units, double bytes) {
                     return 2e-6 * units + 5e-5 + 1.5e-9 * bytes * knee_share(bytes, shape);
                   });
  observations.garbled[2].online_bytes = 4e6;  // the knee and its end are batch sizes
  observations.garbled[2].online_seconds = 2e-6 * 4096 + 5e-5;
  observations.garbled[7].online_bytes = 12e6;
  observations.garbled[7].online_seconds = 2e-6 * 16384 + 5e-5 + 1.5e-9 * 12e6;
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_DOUBLE_EQ(unit.garbled_online_knee_bytes(), 4e6);
  EXPECT_DOUBLE_EQ(unit.garbled_online_knee_end_bytes(), 12e6);
  EXPECT_NEAR(unit.garbled_online_seconds_per_byte_beyond_knee(), 1.5e-9, 1e-14);
  EXPECT_NEAR(unit.relu_online_seconds(), 2e-6, 1e-11);
}

TEST(CalibrationFit, SessionRemainderIsPerMacPerLayerPerPolynomialAndPerSession) {
  CalibrationObservations observations;
  for (const auto& [macs, layers, polynomials] :
       std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>>{{1000000, 4, 0},
                                                                         {80000000, 21, 0},
                                                                         {5000000, 9, 30000},
                                                                         {40000000, 12, 8000},
                                                                         {2000000, 30, 0},
                                                                         {60000000, 7, 50000}}) {
    SessionObservation session;
    session.linear_macs = macs;
    session.linear_layers = layers;
    session.polynomial_elements = polynomials;
    session.other_online_seconds = 3e-10 * macs + 2e-4 * layers + 1e-6 * polynomials + 0.01;
    session.other_offline_seconds = 5e-6 * polynomials + 0.03;
    observations.sessions.push_back(session);
  }
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_NEAR(unit.linear_online_seconds_per_mac(), 3e-10, 1e-16);
  EXPECT_NEAR(unit.linear_online_seconds_per_layer(), 2e-4, 1e-10);
  EXPECT_NEAR(unit.polynomial_online_seconds(), 1e-6, 1e-12);
  EXPECT_NEAR(unit.online_seconds_per_session(), 0.01, 1e-9);
  EXPECT_NEAR(unit.polynomial_offline_seconds(), 5e-6, 1e-12);
  EXPECT_NEAR(unit.offline_seconds_per_session(), 0.03, 1e-9);
}

TEST(CalibrationFit, HeLinearSecondsArePerProductAndPerCiphertext) {
  CalibrationObservations observations;
  for (const auto& [products, ciphertexts] :
       std::vector<std::pair<int, int>>{{4, 3}, {40, 9}, {1, 2}, {12, 8}}) {
    observations.he_linear.push_back({products, ciphertexts, 2e-3 * products + 5e-4 * ciphertexts});
  }
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_NEAR(unit.he_offline_seconds_per_product(), 2e-3, 1e-12);
  EXPECT_NEAR(unit.he_offline_seconds_per_ciphertext(), 5e-4, 1e-12);
}

TEST(CalibrationFit, BytesAreRatiosOfSums) {
  CalibrationObservations observations;
  observations.garbled.push_back({"relu", 100, 300000, 60000, 0.01, 0.002});
  observations.garbled.push_back({"relu", 300, 900000, 180000, 0.03, 0.006});
  observations.garbled.push_back({"max_pool", 30, 90000, 9000, 0.003, 0.0003});
  observations.sessions.push_back({50, 1000, 400, 0.001});
  const pb::UnitCosts unit = fit_unit_costs(observations, false);
  EXPECT_DOUBLE_EQ(unit.relu_offline_bytes(), 3000);
  EXPECT_DOUBLE_EQ(unit.relu_online_bytes(), 600);
  EXPECT_NEAR(unit.relu_online_seconds(), 2e-5, 1e-15);
  EXPECT_DOUBLE_EQ(unit.comparison_offline_bytes(), 3000);
  EXPECT_DOUBLE_EQ(unit.io_online_bytes_per_element(), 8);
  EXPECT_NEAR(unit.linear_online_seconds_per_mac(), 1e-6, 1e-15);
  EXPECT_DOUBLE_EQ(unit.truncation_online_bytes(), 0);  // not observed
}

}  // namespace
}  // namespace pinas::cost

#include "crypto/he/conv_packing.h"

namespace pinas::cost {
namespace {

// The HE time features the model counts (PackingChoice::products) are the
// products the protocol runs (ConvPacking::connected), grouped and depthwise
// convolutions included.
TEST(HeWork, ProductsEqualTheConnectedBlockPairs) {
  const he::PackingCosts costs{1000, [](std::uint64_t c) { return 500 + c; }};
  const std::vector<he::ConvShape> shapes = {
      {16, 32, 32, 32, 32, 32, 3, 1, 1, 1, 1}, {64, 16, 16, 64, 16, 16, 3, 1, 1, 1, 64},
      {48, 8, 8, 96, 8, 8, 1, 1, 0, 1, 4},     {3, 32, 32, 16, 16, 16, 3, 2, 1, 1, 1},
      {512, 1, 1, 10, 1, 1, 1, 1, 0, 1, 1},    {24, 16, 16, 24, 16, 16, 5, 1, 4, 2, 24}};
  for (const auto& shape : shapes) {
    const auto choice = he::ConvPacking::choose(shape, 8192, costs);
    const he::ConvPacking packing(shape, 8192, choice);
    std::uint64_t connected = 0;
    for (std::size_t j = 0; j < packing.output_blocks(); ++j) {
      for (std::size_t b = 0; b < packing.input_blocks(); ++b)
        connected += packing.connected(j, b) ? 1 : 0;
    }
    EXPECT_EQ(choice.products(shape), connected) << shape.in_channels << "->" << shape.out_channels;
    EXPECT_EQ(static_cast<std::size_t>(choice.input_blocks), packing.input_blocks());
    EXPECT_EQ(static_cast<std::size_t>(choice.output_blocks), packing.output_blocks());
  }
}

}  // namespace
}  // namespace pinas::cost
