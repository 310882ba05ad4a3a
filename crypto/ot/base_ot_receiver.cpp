#include "crypto/ot/base_ot_receiver.h"

#include <vector>

#include "crypto/ot/detail/ristretto.h"

namespace pinas::crypto {

void BaseOtReceiver::receive(Channel& channel, const BitVector& choices, std::span<Block> keys) {
  if (keys.size() != choices.size()) {
    throw ProtocolError("base OT receiver: " + std::to_string(choices.size()) +
                        " choice bits but " + std::to_string(keys.size()) + " key slots");
  }
  const size_t count = keys.size();
  detail::Point big_a;
  channel.receive(big_a.data(), big_a.size());
  detail::require_valid_point(big_a, "point A from " + channel.peer());

  std::vector<detail::Scalar> scalars(count);
  std::vector<detail::Point> big_b(count);
  for (size_t i = 0; i < count; ++i) {
    scalars[i] = detail::random_scalar();
    detail::Point b_times_g = detail::multiply_base(scalars[i]);
    big_b[i] = detail::select(b_times_g, detail::add(b_times_g, big_a), choices[i]);
  }
  channel.send(big_b.data(), count * sizeof(detail::Point));
  channel.flush();
  for (size_t i = 0; i < count; ++i) {
    detail::Point shared = detail::multiply(scalars[i], big_a, "b·A");
    keys[i] = detail::hash_key(i, big_a, big_b[i], shared);
  }
}

}  // namespace pinas::crypto
