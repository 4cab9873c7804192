// Distinct types for the integers that mean different things: offsets, partition ids,
// broker ids, epochs, producer ids. Mixing them up becomes a compile error.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace gregor {

template <class Tag, class Rep>
class StrongId {
 public:
  using rep = Rep;
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep v) : v_(v) {}
  constexpr Rep value() const { return v_; }
  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  Rep v_{};
};

using Offset = StrongId<struct OffsetTag, int64_t>;
using PartitionId = StrongId<struct PartitionIdTag, int32_t>;
using BrokerId = StrongId<struct BrokerIdTag, int32_t>;
using LeaderEpoch = StrongId<struct LeaderEpochTag, int32_t>;
using ControllerEpoch = StrongId<struct ControllerEpochTag, int32_t>;
using ProducerId = StrongId<struct ProducerIdTag, int64_t>;
using ProducerEpoch = StrongId<struct ProducerEpochTag, int16_t>;
using CorrelationId = StrongId<struct CorrelationIdTag, int32_t>;
using ApiKey = StrongId<struct ApiKeyTag, int16_t>;
using ApiVersion = StrongId<struct ApiVersionTag, int16_t>;

}  // namespace gregor

template <class Tag, class Rep>
struct std::hash<gregor::StrongId<Tag, Rep>> {
  size_t operator()(const gregor::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
