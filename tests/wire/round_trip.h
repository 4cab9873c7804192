// Shared machinery for the generated round-trip tests (one per message x version).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <string>

#include "gregor/wire/codec.h"

namespace gregor::wire {

// Produces varied but reproducible field values for a message under test.
class FillContext {
 public:
  explicit FillContext(uint32_t seed) : rng_(seed) {}

  bool one_in(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_) == 0; }
  int next_count() { return std::uniform_int_distribution<int>(0, 2)(rng_); }
  bool next_bool() { return one_in(2); }
  int8_t next_int8() { return static_cast<int8_t>(rng_()); }
  int16_t next_int16() { return static_cast<int16_t>(rng_()); }
  uint16_t next_uint16() { return static_cast<uint16_t>(rng_()); }
  int32_t next_int32() { return static_cast<int32_t>(rng_()); }
  uint32_t next_uint32() { return static_cast<uint32_t>(rng_()); }
  int64_t next_int64() { return static_cast<int64_t>(rng_()) << 32 | rng_(); }
  double next_float64() { return static_cast<double>(next_int32()) / 7.0; }
  Uuid next_uuid() {
    Uuid u;
    for (auto& b : u.bytes)
      b = static_cast<uint8_t>(rng_());
    return u;
  }
  std::string next_string() {
    std::string s(static_cast<size_t>(std::uniform_int_distribution<int>(0, 12)(rng_)), 'a');
    for (auto& ch : s)
      ch = static_cast<char>('a' + rng_() % 26);
    return s;
  }
  Bytes next_bytes() {
    Bytes b(static_cast<size_t>(std::uniform_int_distribution<int>(0, 12)(rng_)));
    for (auto& x : b)
      x = static_cast<uint8_t>(rng_());
    return b;
  }
  Records next_records() {
    // Records are views, so the bytes live in the context for the test's duration.
    storage_.push_back(next_bytes());
    return Records::view(storage_.back());
  }

 private:
  std::mt19937 rng_;
  std::deque<Bytes> storage_;
};

template <class T>
void check_round_trip(int16_t version, void (*fill)(T&, int16_t, FillContext&)) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    FillContext ctx(seed * 7919u + static_cast<uint32_t>(version));
    T original;
    fill(original, version, ctx);
    Writer first;
    original.encode(first, version);

    T decoded;
    Reader reader(first.buffer());
    decoded.decode(reader, version);
    ASSERT_TRUE(reader.ok()) << reader.error();
    EXPECT_EQ(reader.remaining(), 0u);
    EXPECT_TRUE(original == decoded);

    Writer second;
    decoded.encode(second, version);
    EXPECT_EQ(first.buffer(), second.buffer());

    // Every strict prefix is a truncated message and must fail without crashing.
    const auto& bytes = first.buffer();
    const size_t step = bytes.size() > 512 ? bytes.size() / 256 : 1;
    for (size_t len = 0; len < bytes.size(); len += step) {
      T partial;
      Reader r(bytes.data(), len);
      partial.decode(r, version);
      EXPECT_FALSE(r.ok() && r.remaining() == 0 && len < bytes.size())
          << "prefix of " << len << " of " << bytes.size() << " bytes decoded";
    }
  }
}

}  // namespace gregor::wire
