#include "gregor/wire/api_descriptor.h"

#include "gregor/wire/gen/apis.h"

namespace gregor::wire {

const ApiDescriptor* find_api(int16_t key) {
  // Keys are dense up to ~70, so a lookup table built once beats searching.
  static const auto* table = [] {
    static const ApiDescriptor* t[1024] = {};
    for (const auto& d : kApis) {
      if (d.key >= 0 && d.key < 1024) t[d.key] = &d;
    }
    return t;
  }();
  return key >= 0 && key < 1024 ? table[key] : nullptr;
}

std::span<const ApiDescriptor> all_apis() {
  return {kApis, static_cast<size_t>(kApiCount)};
}

}  // namespace gregor::wire
