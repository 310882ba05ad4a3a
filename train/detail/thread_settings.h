#pragma once

// LibTorch's intra-op thread count on the calling thread.
namespace pinas::train::detail {

// Makes LibTorch run the calling thread's operators on `threads` intra-op
// threads (threads >= 1). LibTorch's CPU backend here is OpenMP, whose thread
// count is a per-thread setting (the nthreads ICV), so concurrent trainers on
// different threads can each use their own count. at::set_num_threads() also
// records a process-wide default that a thread adopts lazily on its first
// parallel operator, so the lazy initialization is forced first, then the
// count is set; calls are serialized because set_num_threads also resets
// library-wide caches. Thread-safe.
void use_intra_op_threads(int threads);

}  // namespace pinas::train::detail
