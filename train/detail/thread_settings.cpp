#include "train/detail/thread_settings.h"

#include <ATen/Parallel.h>

#include <mutex>

namespace pinas::train::detail {

void use_intra_op_threads(int threads) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  (void)at::get_num_threads();  // forces this thread's lazy initialization first
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
}

}  // namespace pinas::train::detail
