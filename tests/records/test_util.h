// Helpers shared by the records tests: turning views into comparable values.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gregor/records/batch_builder.h"
#include "gregor/records/record.h"
#include "gregor/records/record_batch.h"

namespace gregor::records::testing {

using OptString = std::optional<std::string>;

inline OptString to_opt_string(const NullableBytes& b) {
  if (!b) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

inline Bytes as_bytes(const std::string& s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// A decoded record with owned strings, so it outlives the batch and compares with ==.
struct Decoded {
  int32_t offset_delta = 0;
  int64_t timestamp = 0;
  OptString key;
  OptString value;
  std::vector<std::pair<std::string, OptString>> headers;
  bool operator==(const Decoded&) const = default;
};

inline Decoded decode(const RecordView& r, int64_t base_timestamp) {
  Decoded d;
  d.offset_delta = r.offset_delta;
  d.timestamp = base_timestamp + r.timestamp_delta;
  d.key = to_opt_string(r.key);
  d.value = to_opt_string(r.value);
  HeaderIterator it = r.headers();
  HeaderView h;
  while (it.next(&h))
    d.headers.emplace_back(std::string(h.key), to_opt_string(h.value));
  return d;
}

// All records of a batch; fails the test on any error.
inline std::vector<Decoded> decode_all(const RecordBatchView& batch, Decompressor& d) {
  std::vector<Decoded> out;
  auto it = open_records(batch, d, 64 << 20);
  EXPECT_TRUE(it.ok());
  if (!it.ok()) return out;
  RecordView r;
  for (;;) {
    auto more = it->next(&r);
    EXPECT_TRUE(more.ok()) << to_string(more.error());
    if (!more.ok() || !*more) break;
    out.push_back(decode(r, batch.base_timestamp()));
  }
  return out;
}

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Builds a batch or fails the test.
inline std::vector<uint8_t> must_build(const BatchOptions& options,
                                       std::span<const RecordInput> records) {
  auto built = build_batch(options, records);
  EXPECT_TRUE(built.ok());
  return built.ok() ? std::move(built).value() : std::vector<uint8_t>();
}

}  // namespace gregor::records::testing
