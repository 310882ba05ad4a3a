#include "tests/fuzz/detail/session_fixture.h"

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "crypto/pi/client_session.h"
#include "crypto/pi/random_model.h"
#include "crypto/pi/server_session.h"
#include "proto/error.h"
#include "search_spaces/model_file.h"
#include "tests/fuzz/detail/recording_channel.h"

namespace pinas::fuzz {

namespace {

// The smallest network that still has every kind of session step: linear
// layers (a convolution and a linear classifier), ReLUs, a max pool, a
// polynomial activation and the truncations between them, on a 1x2x2 input.
// Small, so that a whole session's transcript is a short fuzz input.
pb::Architecture tiny_architecture() {
  pb::Architecture architecture;
  architecture.set_name("fuzz-tiny");
  architecture.set_num_classes(2);
  auto add = [&](const std::string& name, pb::OpType op, const std::string& input) {
    pb::Node* node = architecture.add_nodes();
    node->set_name(name);
    node->set_op(op);
    if (!input.empty()) node->add_inputs(input);
    return node;
  };
  auto* input = add("input", pb::INPUT, "");
  input->mutable_input_shape()->set_channels(1);
  input->mutable_input_shape()->set_height(2);
  input->mutable_input_shape()->set_width(2);
  auto* conv = add("conv", pb::CONV, "input");
  conv->set_out_channels(2);
  conv->set_kernel(1);
  conv->set_bias(true);
  add("relu", pb::RELU, "conv");
  auto* pool = add("pool", pb::MAX_POOL, "relu");
  pool->set_kernel(2);
  pool->set_stride(2);
  auto* square = add("square", pb::POLYNOMIAL, "pool");
  for (double coefficient : {0.25, 0.5, 0.125}) square->add_coefficients(coefficient);
  add("flatten", pb::FLATTEN, "square");
  auto* fc = add("fc", pb::LINEAR, "flatten");
  fc->set_out_channels(2);
  fc->set_bias(true);
  add("output", pb::OUTPUT, "fc");
  return architecture;
}

pi::FixedPointConfig variant_config(int variant) {
  pi::FixedPointConfig config;
  config.linear_backend = variant == 0 ? pi::LinearBackend::kHe : pi::LinearBackend::kOt;
  if (variant == 2) config.relu_mode = pi::ReluMode::kCirca;
  return config;
}

void write_bytes(const std::filesystem::path& path, std::uint8_t prefix, bool with_prefix,
                 const std::vector<std::uint8_t>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (with_prefix) out.put(static_cast<char>(prefix));
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error(path.string() + ": cannot write the seed");
}

}  // namespace

const SessionFixture& SessionFixture::get() {
  static const SessionFixture fixture = [] {
    SessionFixture built;
    pi::RandomModelOptions options;
    options.seed = 7;
    const pb::Model model = pi::random_weight_model(tiny_architecture(), options);
    for (int variant = 0; variant < kVariants; ++variant) {
      built.networks.push_back(pi::FixedPointNetwork::compile(model, variant_config(variant)));
    }
    built.description = spaces::encode_model(pi::FixedPointNetwork::public_description(model));
    built.pixels = {0.1f, 0.9f, 0.4f, 0.6f};
    return built;
  }();
  return fixture;
}

void write_session_seeds(const std::string& server_folder, const std::string& client_folder) {
  const SessionFixture& fixture = SessionFixture::get();
  for (int variant = 0; variant < SessionFixture::kVariants; ++variant) {
    auto [server_channel, client_channel] = recording_pair(std::chrono::milliseconds(60000));
    RecordingChannel& server_end = *server_channel;
    RecordingChannel& client_end = *client_channel;
    std::exception_ptr server_error;
    std::thread server([&] {
      try {
        pi::ServerSession session(fixture.networks[variant], fixture.description, server_end);
        session.run();
        server_end.flush();
      } catch (...) {
        server_error = std::current_exception();
      }
    });
    pi::ClientSession session(client_end);
    session.run(fixture.pixels);
    client_end.flush();
    server.join();
    if (server_error) std::rethrow_exception(server_error);
    const std::string name = "_" + std::to_string(variant) + ".bin";
    write_bytes(std::filesystem::path(server_folder) / ("server" + name),
                static_cast<std::uint8_t>(variant), true, server_end.received);
    write_bytes(std::filesystem::path(client_folder) / ("client" + name), 0, false,
                client_end.received);
  }
}

}  // namespace pinas::fuzz
