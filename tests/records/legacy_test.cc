#include "gregor/records/legacy.h"

#include <gtest/gtest.h>
#include <xxhash.h>
#include <zlib.h>

#include "gregor/records/byte_order.h"
#include "test_util.h"

namespace gregor::records {
namespace {

using testing::OptString;

// Encodes one legacy message (from the crc field on) with a correct CRC-32.
std::vector<uint8_t> message(int8_t magic, uint8_t attributes, int64_t timestamp,
                             const OptString& key, const OptString& value) {
  std::vector<uint8_t> m(4, 0);
  m.push_back(static_cast<uint8_t>(magic));
  m.push_back(attributes);
  auto put32 = [&](int32_t v) {
    uint8_t b[4];
    store_be32(b, static_cast<uint32_t>(v));
    m.insert(m.end(), b, b + 4);
  };
  if (magic == 1) {
    uint8_t b[8];
    store_be64(b, static_cast<uint64_t>(timestamp));
    m.insert(m.end(), b, b + 8);
  }
  for (const OptString& field : {key, value}) {
    if (!field) {
      put32(-1);
      continue;
    }
    put32(static_cast<int32_t>(field->size()));
    m.insert(m.end(), field->begin(), field->end());
  }
  store_be32(m.data(),
             static_cast<uint32_t>(crc32(0, m.data() + 4, static_cast<uInt>(m.size() - 4))));
  return m;
}

// Frames a message as a message-set entry: offset, size, message.
std::vector<uint8_t> entry(int64_t offset, const std::vector<uint8_t>& m) {
  std::vector<uint8_t> e(12);
  store_be64(e.data(), static_cast<uint64_t>(offset));
  store_be32(e.data() + 8, static_cast<uint32_t>(m.size()));
  e.insert(e.end(), m.begin(), m.end());
  return e;
}

std::vector<uint8_t> join(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Three inner messages with relative offsets 0..2, in a wrapper compressed with `codec`.
std::vector<uint8_t> wrapped(int8_t magic, Compression codec, int64_t wrapper_offset,
                             uint8_t extra_attributes = 0) {
  const auto inner = join({entry(0, message(magic, 0, 100, "a", "1")),
                           entry(1, message(magic, 0, 101, std::nullopt, "2")),
                           entry(2, message(magic, 0, 102, "c", std::nullopt))});
  Compressor c;
  std::vector<uint8_t> packed;
  EXPECT_TRUE(c.compress(codec, inner, packed).ok());
  const std::string value(packed.begin(), packed.end());
  return entry(wrapper_offset,
               message(magic, static_cast<uint8_t>(static_cast<int>(codec) | extra_attributes), 999,
                       std::nullopt, value));
}

RecordsError parse_error(const std::vector<uint8_t>& set, const LegacyParseOptions& options = {}) {
  Decompressor d;
  auto r = parse_legacy_message_set(set, d, options);
  EXPECT_FALSE(r.ok());
  return r.ok() ? RecordsError::kInvalidArgument : r.error();
}

TEST(Legacy, ParsesUncompressedV0AndV1) {
  const auto set = join({entry(7, message(0, 0, 0, "k", "v")),
                         entry(8, message(0, 0, 0, std::nullopt, std::nullopt))});
  Decompressor d;
  auto parsed = parse_legacy_message_set(set, d);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->messages.size(), 2u);
  EXPECT_EQ(parsed->messages[0].offset, 7);
  EXPECT_EQ(parsed->messages[0].timestamp, kNoTimestamp);
  EXPECT_EQ(testing::to_opt_string(parsed->messages[0].key), "k");
  EXPECT_FALSE(parsed->messages[1].key.has_value());
  EXPECT_FALSE(parsed->messages[1].value.has_value());
  EXPECT_EQ(parsed->source_compression, Compression::kNone);

  auto v1 = parse_legacy_message_set(entry(3, message(1, 0, 12345, "k", "")), d);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->messages[0].magic, 1);
  EXPECT_EQ(v1->messages[0].timestamp, 12345);
  EXPECT_EQ(testing::to_opt_string(v1->messages[0].value), "");
}

TEST(Legacy, UnwrapsEveryCodecWithV1RelativeOffsets) {
  for (Compression codec : {Compression::kGzip, Compression::kSnappy, Compression::kLz4}) {
    Decompressor d;
    auto parsed = parse_legacy_message_set(wrapped(1, codec, 10), d);
    ASSERT_TRUE(parsed.ok()) << static_cast<int>(codec);
    EXPECT_EQ(parsed->source_compression, codec);
    ASSERT_EQ(parsed->messages.size(), 3u);
    EXPECT_EQ(parsed->messages[0].offset, 8);
    EXPECT_EQ(parsed->messages[2].offset, 10);
    EXPECT_EQ(parsed->messages[1].timestamp, 101);
    EXPECT_EQ(testing::to_opt_string(parsed->messages[0].key), "a");
    EXPECT_FALSE(parsed->messages[2].value.has_value());
  }
}

TEST(Legacy, V0InnerOffsetsAreAbsolute) {
  Decompressor d;
  auto parsed = parse_legacy_message_set(wrapped(0, Compression::kGzip, 50), d);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->messages[0].offset, 0);
  EXPECT_EQ(parsed->messages[2].offset, 2);
  EXPECT_EQ(parsed->messages[2].timestamp, kNoTimestamp);
}

TEST(Legacy, LogAppendTimeWrapperOverridesInnerTimestamps) {
  Decompressor d;
  auto parsed = parse_legacy_message_set(wrapped(1, Compression::kGzip, 2, 0x08), d);
  ASSERT_TRUE(parsed.ok());
  for (const auto& m : parsed->messages)
    EXPECT_EQ(m.timestamp, 999);
}

// Magic 0 lz4 wrappers carry the old clients' wrong frame header checksum (computed over
// the frame magic too). LZ4F alone refuses it; the legacy parser repairs it.
TEST(Legacy, AcceptsTheBrokenLz4HeaderChecksumOfMagic0) {
  const auto inner = entry(0, message(0, 0, 0, "k", "v"));
  Compressor c;
  std::vector<uint8_t> frame;
  ASSERT_TRUE(c.compress(Compression::kLz4, inner, frame).ok());
  frame[6] = static_cast<uint8_t>((XXH32(frame.data(), 6, 0) >> 8) & 0xff);
  Decompressor d;
  EXPECT_FALSE(d.decompress(Compression::kLz4, frame, 1 << 20).ok());
  const auto set =
      entry(0, message(0, 3, 0, std::nullopt, std::string(frame.begin(), frame.end())));
  auto parsed = parse_legacy_message_set(set, d);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(testing::to_opt_string(parsed->messages[0].value), "v");
}

TEST(Legacy, RejectsBadFraming) {
  const auto good = entry(0, message(1, 0, 1, "k", "v"));
  auto bad_crc = good;
  bad_crc.back() ^= 1;
  EXPECT_EQ(parse_error(bad_crc), RecordsError::kCrcMismatch);
  auto magic2 = good;
  magic2[16] = 2;
  EXPECT_EQ(parse_error(magic2), RecordsError::kInvalidMagic);
  EXPECT_EQ(parse_error(std::vector<uint8_t>(good.begin(), good.end() - 1)),
            RecordsError::kTruncated);
  EXPECT_EQ(parse_error(std::vector<uint8_t>(good.begin(), good.begin() + 11)),
            RecordsError::kTruncated);
  for (int32_t size : {-1, 0, 13}) {
    auto copy = good;
    store_be32(copy.data() + 8, static_cast<uint32_t>(size));
    EXPECT_EQ(parse_error(copy), RecordsError::kInvalidSize) << size;
  }
  // A magic 1 message too short for its timestamp.
  auto short_v1 = entry(0, message(0, 0, 0, std::nullopt, std::nullopt));
  short_v1[16] = 1;
  EXPECT_EQ(parse_error(short_v1), RecordsError::kInvalidSize);
}

TEST(Legacy, RejectsBadContent) {
  // Key length past the end of the message, with a valid CRC.
  auto m = message(0, 0, 0, "key", "v");
  store_be32(m.data() + 6, 1000);
  store_be32(m.data(),
             static_cast<uint32_t>(crc32(0, m.data() + 4, static_cast<uInt>(m.size() - 4))));
  EXPECT_EQ(parse_error(entry(0, m)), RecordsError::kInvalidRecord);
  // Trailing bytes after the value.
  auto trailing = message(0, 0, 0, "k", "v");
  trailing.push_back(0);
  store_be32(trailing.data(), static_cast<uint32_t>(crc32(0, trailing.data() + 4,
                                                          static_cast<uInt>(trailing.size() - 4))));
  EXPECT_EQ(parse_error(entry(0, trailing)), RecordsError::kInvalidRecord);
  // A wrapper with a null value, a zstd or undefined codec.
  EXPECT_EQ(parse_error(entry(0, message(1, 1, 0, std::nullopt, std::nullopt))),
            RecordsError::kInvalidRecord);
  EXPECT_EQ(parse_error(entry(0, message(1, 4, 0, std::nullopt, "x"))),
            RecordsError::kUnknownCompression);
  EXPECT_EQ(parse_error(entry(0, message(1, 6, 0, std::nullopt, "x"))),
            RecordsError::kUnknownCompression);
  // Undecodable compressed bytes.
  EXPECT_EQ(parse_error(entry(0, message(1, 1, 0, std::nullopt, "not gzip"))),
            RecordsError::kDecompressionFailed);
}

TEST(Legacy, RejectsNestedWrappersAndMixedMagic) {
  Compressor c;
  std::vector<uint8_t> packed;
  ASSERT_TRUE(c.compress(Compression::kGzip, wrapped(1, Compression::kGzip, 0), packed).ok());
  EXPECT_EQ(parse_error(entry(
                0, message(1, 1, 0, std::nullopt, std::string(packed.begin(), packed.end())))),
            RecordsError::kInvalidRecord);
  packed.clear();
  ASSERT_TRUE(c.compress(Compression::kGzip, entry(0, message(0, 0, 0, "k", "v")), packed).ok());
  EXPECT_EQ(parse_error(entry(
                0, message(1, 1, 0, std::nullopt, std::string(packed.begin(), packed.end())))),
            RecordsError::kInvalidRecord);
}

TEST(Legacy, EnforcesCaps) {
  LegacyParseOptions few;
  few.max_messages = 2;
  EXPECT_EQ(parse_error(wrapped(1, Compression::kGzip, 0), few), RecordsError::kInvalidSize);
  // The decompressed-size cap covers all wrappers together.
  const auto one = wrapped(1, Compression::kSnappy, 0);
  Decompressor d;
  const size_t inner_size = parse_legacy_message_set(one, d)->decompressed[0].size();
  LegacyParseOptions tight;
  tight.max_uncompressed_bytes = inner_size + inner_size / 2;
  EXPECT_TRUE(parse_legacy_message_set(one, d, tight).ok());
  EXPECT_EQ(parse_error(join({one, one}), tight), RecordsError::kDecompressedTooLarge);
}

TEST(UpConvert, ProducesOneV2BatchWithAllMessages) {
  const auto set =
      join({wrapped(1, Compression::kGzip, 2), entry(3, message(1, 0, 200, "d", "4"))});
  Decompressor d;
  UpConvertOptions options;
  auto converted = up_convert_legacy(set, d, options);
  ASSERT_TRUE(converted.ok());
  auto batch = RecordBatchView::parse(*converted);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->attributes().compression_id(), 1);  // The producer's codec.
  EXPECT_EQ(batch->base_offset(), Offset(0));
  EXPECT_EQ(batch->producer_id(), ProducerId(kNoProducerId));
  ASSERT_TRUE(validate_batch(*batch, d).ok());
  const auto records = testing::decode_all(*batch, d);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].key, "a");
  EXPECT_EQ(records[1].key, std::nullopt);
  EXPECT_EQ(records[2].value, std::nullopt);
  EXPECT_EQ(records[3].timestamp, 200);
  EXPECT_EQ(batch->max_timestamp(), 200);

  options.target = Compression::kZstd;
  options.timestamp_type = TimestampType::kLogAppendTime;
  options.log_append_time = 777;
  auto recompressed = up_convert_legacy(set, d, options);
  ASSERT_TRUE(recompressed.ok());
  auto batch2 = RecordBatchView::parse(*recompressed);
  EXPECT_EQ(batch2->attributes().compression_id(), 4);
  EXPECT_EQ(batch2->attributes().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(batch2->max_timestamp(), 777);
  EXPECT_TRUE(validate_batch(*batch2, d).ok());
}

TEST(UpConvert, RejectsEmptyAndBrokenSets) {
  Decompressor d;
  EXPECT_EQ(up_convert_legacy({}, d, {}).error(), RecordsError::kInvalidRecord);
  auto bad = entry(0, message(1, 0, 1, "k", "v"));
  bad.back() ^= 1;
  EXPECT_EQ(up_convert_legacy(bad, d, {}).error(), RecordsError::kCrcMismatch);
}

}  // namespace
}  // namespace gregor::records
