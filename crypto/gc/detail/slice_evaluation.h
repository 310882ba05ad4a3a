#pragma once

// One online slice of a garbled batch (copies [first, first + n) of a batch
// whose tables are `batch_tables`), shared by the share-circuit and Circa
// evaluators, which evaluate a batch slice by slice as its labels arrive.

#include <cstddef>
#include <span>

#include "crypto/circuits/circuit.h"
#include "crypto/gc/evaluator.h"
#include "crypto/gc/share_circuit_garbler.h"

namespace pinas::crypto::detail {

// Evaluates the slice (input and output labels are the slice's own, copy
// c of the slice at c) and returns the thread CPU seconds it took. Requires
// `first` a multiple of kMaxChunkCopies, so the tables and tweaks are those
// of one call over the whole batch; throws ProtocolError on a size mismatch.
inline double evaluate_slice(Evaluator& evaluator, const Circuit& circuit, std::size_t first,
                             std::size_t n, std::span<const Block> input_labels,
                             std::span<const Block> batch_tables, std::span<Block> output_labels) {
  const std::size_t tables_per_copy = circuit.and_count() * 2;
  const double start = thread_cpu_seconds();
  evaluator.evaluate(circuit, n, input_labels,
                     batch_tables.subspan(first * tables_per_copy, n * tables_per_copy),
                     output_labels);
  return thread_cpu_seconds() - start;
}

}  // namespace pinas::crypto::detail
