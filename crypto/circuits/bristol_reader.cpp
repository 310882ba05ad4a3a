#include "crypto/circuits/bristol_reader.h"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

namespace pinas::crypto {
namespace {

constexpr std::uint32_t kUnmapped = 0xFFFFFFFFu;

// Splits text into lines and lines into whitespace-separated fields, keeping
// 1-based line numbers for messages.
class LineReader {
 public:
  LineReader(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  // Advances to the next non-blank line; returns false at the end of text.
  bool next() {
    while (!finished_) {
      std::size_t end = text_.find('\n', position_);
      if (end == std::string_view::npos) {
        end = text_.size();
        finished_ = true;
      }
      std::string_view line = text_.substr(position_, end - position_);
      position_ = end + 1;
      ++line_number_;
      fields_.clear();
      split(line);
      if (!fields_.empty()) return true;
    }
    return false;
  }

  const std::vector<std::string_view>& fields() const { return fields_; }
  std::size_t line_number() const { return line_number_; }

  [[noreturn]] void fail(const std::string& reason) const {
    throw CircuitError(name_ + ":" + std::to_string(line_number_) + ": " + reason);
  }

  std::uint64_t number(std::size_t index, const char* what) const {
    if (index >= fields_.size()) fail(std::string("missing ") + what);
    std::string_view field = fields_[index];
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size()) {
      fail(std::string("expected a number for ") + what + ", found '" + std::string(field) + "'");
    }
    return value;
  }

 private:
  void split(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
      if (i > start) fields_.push_back(line.substr(start, i - start));
    }
  }

  std::string_view text_;
  const std::string& name_;
  std::size_t position_ = 0;
  std::size_t line_number_ = 0;
  bool finished_ = false;
  std::vector<std::string_view> fields_;
};

// Reads a header line "<count> <size 1> ... <size count>".
std::vector<std::uint32_t> read_sizes(LineReader& reader, const char* what) {
  if (!reader.next()) reader.fail(std::string("missing the ") + what + " line");
  std::uint64_t count = reader.number(0, what);
  if (reader.fields().size() != count + 1) {
    reader.fail(std::string("the ") + what + " line declares " + std::to_string(count) +
                " values but lists " + std::to_string(reader.fields().size() - 1));
  }
  std::vector<std::uint32_t> sizes;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t size = reader.number(1 + i, what);
    if (size > 0xFFFFFFu) reader.fail(std::string("an implausible ") + what + " width");
    sizes.push_back(static_cast<std::uint32_t>(size));
  }
  return sizes;
}

}  // namespace

Circuit parse_bristol(std::string_view text, const std::string& name) {
  LineReader reader(text, name);
  if (!reader.next()) reader.fail("empty file: expected '<gates> <wires>'");
  if (reader.fields().size() != 2) reader.fail("the first line must be '<gates> <wires>'");
  std::uint64_t gate_count = reader.number(0, "the gate count");
  std::uint64_t wire_count = reader.number(1, "the wire count");
  if (wire_count >= kUnmapped / 2) reader.fail("an implausible wire count");
  // Bounds from the text itself, checked before anything is allocated: a
  // gate line takes at least 8 bytes, and every wire's id appears in the
  // text (taking at least 2 bytes) except for an unused input.
  if (gate_count > text.size() / 8) {
    reader.fail("the header declares " + std::to_string(gate_count) +
                " gates, more than a file of " + std::to_string(text.size()) + " bytes can hold");
  }
  if (wire_count > text.size()) {
    reader.fail("the header declares " + std::to_string(wire_count) +
                " wires, more than a file of " + std::to_string(text.size()) + " bytes can use");
  }
  std::vector<std::uint32_t> input_sizes = read_sizes(reader, "inputs");
  std::vector<std::uint32_t> output_sizes = read_sizes(reader, "outputs");
  std::uint64_t input_wires = 0;
  for (auto size : input_sizes) input_wires += size;
  std::uint64_t output_wires = 0;
  for (auto size : output_sizes) output_wires += size;
  if (input_wires > wire_count) {
    reader.fail("the inputs need more wires than the header's " + std::to_string(wire_count));
  }
  if (output_wires > wire_count) {
    reader.fail("the outputs need more wires than the header's " + std::to_string(wire_count));
  }

  // Bristol wire ids map onto our wires; EQW aliases a wire without a gate.
  std::vector<std::uint32_t> mapped(wire_count, kUnmapped);
  for (std::uint32_t w = 0; w < input_wires; ++w) mapped[w] = w;
  std::uint32_t next_wire = static_cast<std::uint32_t>(input_wires);
  std::vector<Gate> gates;
  gates.reserve(gate_count);
  std::uint32_t zero_wire = kUnmapped;

  auto read_wire = [&](std::size_t field) {
    std::uint64_t wire = reader.number(field, "an input wire");
    if (wire >= wire_count) {
      reader.fail("wire " + std::to_string(wire) + " is beyond the header's " +
                  std::to_string(wire_count) + " wires");
    }
    if (mapped[wire] == kUnmapped)
      reader.fail("wire " + std::to_string(wire) + " is read before it is defined");
    return mapped[wire];
  };
  auto output_wire = [&](std::size_t field) {
    std::uint64_t wire = reader.number(field, "an output wire");
    if (wire >= wire_count) {
      reader.fail("wire " + std::to_string(wire) + " is beyond the header's " +
                  std::to_string(wire_count) + " wires");
    }
    if (mapped[wire] != kUnmapped)
      reader.fail("wire " + std::to_string(wire) + " is written twice");
    return static_cast<std::uint32_t>(wire);
  };
  auto require_arity = [&](std::uint64_t inputs, std::uint64_t outputs, std::uint64_t want_in,
                           std::uint64_t want_out, const std::string& op) {
    if (inputs != want_in || outputs != want_out) {
      reader.fail(op + " takes " + std::to_string(want_in) + " input(s) and " +
                  std::to_string(want_out) + " output(s), the line declares " +
                  std::to_string(inputs) + " and " + std::to_string(outputs));
    }
  };

  for (std::uint64_t g = 0; g < gate_count; ++g) {
    if (!reader.next()) {
      throw CircuitError(name + ":" + std::to_string(reader.line_number()) +
                         ": the header declares " + std::to_string(gate_count) +
                         " gates but the file ends after " + std::to_string(g));
    }
    std::uint64_t inputs = reader.number(0, "the gate's input count");
    std::uint64_t outputs = reader.number(1, "the gate's output count");
    if (inputs > 1024 || outputs > 1024) reader.fail("an implausible gate arity");
    if (reader.fields().size() != 3 + inputs + outputs) {
      reader.fail("the gate declares " + std::to_string(inputs) + " inputs and " +
                  std::to_string(outputs) + " outputs, so it needs " +
                  std::to_string(3 + inputs + outputs) + " fields, found " +
                  std::to_string(reader.fields().size()));
    }
    std::string op(reader.fields().back());
    if (op == "XOR" || op == "AND") {
      require_arity(inputs, outputs, 2, 1, op);
      std::uint32_t left = read_wire(2);
      std::uint32_t right = read_wire(3);
      std::uint32_t out = output_wire(4);
      mapped[out] = next_wire;
      gates.push_back({left, right, next_wire++, op == "AND" ? GateKind::kAnd : GateKind::kXor});
    } else if (op == "INV" || op == "NOT") {
      require_arity(inputs, outputs, 1, 1, op);
      std::uint32_t left = read_wire(2);
      std::uint32_t out = output_wire(3);
      mapped[out] = next_wire;
      gates.push_back({left, 0, next_wire++, GateKind::kNot});
    } else if (op == "EQW") {
      require_arity(inputs, outputs, 1, 1, op);
      std::uint32_t source = read_wire(2);
      mapped[output_wire(3)] = source;
    } else if (op == "EQ") {
      require_arity(inputs, outputs, 1, 1, op);
      std::uint64_t value = reader.number(2, "the constant");
      if (value > 1) reader.fail("EQ assigns a constant 0 or 1, found " + std::to_string(value));
      std::uint32_t out = output_wire(3);
      if (input_wires == 0)
        reader.fail("EQ needs at least one input wire to build a constant from");
      if (zero_wire == kUnmapped) {
        zero_wire = next_wire;
        gates.push_back({0, 0, next_wire++, GateKind::kXor});
      }
      if (value == 0) {
        mapped[out] = zero_wire;
      } else {
        mapped[out] = next_wire;
        gates.push_back({zero_wire, 0, next_wire++, GateKind::kNot});
      }
    } else if (op == "MAND") {
      if (inputs != 2 * outputs || outputs == 0) {
        reader.fail("MAND takes 2k inputs and k outputs, the line declares " +
                    std::to_string(inputs) + " and " + std::to_string(outputs));
      }
      std::vector<std::uint32_t> operands;
      for (std::uint64_t i = 0; i < inputs; ++i) operands.push_back(read_wire(2 + i));
      for (std::uint64_t k = 0; k < outputs; ++k) {
        std::uint32_t out = output_wire(2 + inputs + k);
        mapped[out] = next_wire;
        gates.push_back({operands[k], operands[outputs + k], next_wire++, GateKind::kAnd});
      }
    } else {
      reader.fail("unknown gate '" + op + "' (expected XOR, AND, INV, EQW, EQ or MAND)");
    }
  }
  if (reader.next()) {
    reader.fail("text after the " + std::to_string(gate_count) + " gates the header declares");
  }
  std::vector<std::uint32_t> outputs_list;
  for (std::uint64_t w = wire_count - output_wires; w < wire_count; ++w) {
    if (mapped[w] == kUnmapped) {
      throw CircuitError(name + ":" + std::to_string(reader.line_number()) + ": output wire " +
                         std::to_string(w) + " is never defined");
    }
    outputs_list.push_back(mapped[w]);
  }
  return Circuit(next_wire, std::move(input_sizes), std::move(gates), std::move(outputs_list),
                 std::move(output_sizes));
}

Circuit read_bristol_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CircuitError(path + ": cannot open the Bristol Fashion circuit file");
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) throw CircuitError(path + ": cannot read the Bristol Fashion circuit file");
  return parse_bristol(contents.str(), path);
}

}  // namespace pinas::crypto
