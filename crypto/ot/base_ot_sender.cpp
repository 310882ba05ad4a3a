#include "crypto/ot/base_ot_sender.h"

#include <vector>

#include "crypto/ot/detail/ristretto.h"

namespace pinas::crypto {

void BaseOtSender::send(Channel& channel, std::span<Block> zero_keys, std::span<Block> one_keys) {
  if (zero_keys.size() != one_keys.size()) {
    throw ProtocolError("base OT sender: " + std::to_string(zero_keys.size()) + " zero keys but " +
                        std::to_string(one_keys.size()) + " one keys");
  }
  const size_t count = zero_keys.size();
  const detail::Scalar a = detail::random_scalar();
  const detail::Point big_a = detail::multiply_base(a);
  channel.send(big_a.data(), big_a.size());
  channel.flush();

  std::vector<detail::Point> big_b(count);
  channel.receive(big_b.data(), count * sizeof(detail::Point));
  // a·A once, so that a·(B − A) = a·B − a·A costs a subtraction, not a
  // second scalar multiplication.
  const detail::Point a_times_a = detail::multiply(a, big_a, "a·A");
  const std::string from = " from " + channel.peer();
  for (size_t i = 0; i < count; ++i) {
    const std::string what = "point B[" + std::to_string(i) + "]" + from;
    detail::require_valid_point(big_b[i], what);
    detail::Point shared_zero = detail::multiply(a, big_b[i], what);
    detail::Point shared_one = detail::subtract(shared_zero, a_times_a);
    detail::require_valid_point(shared_one, what + " (B = A)");
    zero_keys[i] = detail::hash_key(i, big_a, big_b[i], shared_zero);
    one_keys[i] = detail::hash_key(i, big_a, big_b[i], shared_one);
  }
}

}  // namespace pinas::crypto
