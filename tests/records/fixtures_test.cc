// Decodes batches captured from real producers (kcat/librdkafka, kafka-python, the Java
// client) and compares them with what those clients were told to send. See
// fixtures/README.md for how the fixtures were made.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gregor/records/legacy.h"
#include "test_util.h"

namespace gregor::records {
namespace {

using testing::Decoded;
using testing::OptString;

constexpr const char* kDir = GREGOR_RECORDS_FIXTURES;

// The path of fixture `name` with extension `ext` (".bin" or ".json").
std::string fixture_path(const std::string& name, const char* ext) {
  std::string path = kDir;
  path += '/';
  path += name;
  path += ext;
  return path;
}

// The fixtures whose first entry has magic 2 (or, with legacy, magic 0 or 1).
std::vector<std::string> fixture_names(bool legacy) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".json") continue;
    std::string name = entry.path().stem().string();
    const auto bytes = testing::read_file(fixture_path(name, ".bin"));
    const auto magic = peek_magic(bytes);
    if (magic && (*magic < kMagicV2) == legacy) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

OptString json_opt(const nlohmann::json& j) {
  return j.is_null() ? OptString() : OptString(j.get<std::string>());
}

Compression codec_named(const std::string& name) {
  if (name == "gzip") return Compression::kGzip;
  if (name == "snappy") return Compression::kSnappy;
  if (name == "lz4") return Compression::kLz4;
  if (name == "zstd") return Compression::kZstd;
  return Compression::kNone;
}

class Fixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    bytes_ = testing::read_file(fixture_path(GetParam(), ".bin"));
    std::ifstream in(fixture_path(GetParam(), ".json"));
    meta_ = nlohmann::json::parse(in);
    ASSERT_FALSE(bytes_.empty());
  }

  // Checks decoded records against the JSON oracle. Offsets are checked per batch by the
  // caller; timestamps here, exactly or within the capture window.
  void expect_records(const std::vector<Decoded>& got) {
    const auto& want = meta_["records"];
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      SCOPED_TRACE("record " + std::to_string(i));
      EXPECT_EQ(got[i].key, json_opt(want[i]["key"]));
      EXPECT_EQ(got[i].value, json_opt(want[i]["value"]));
      std::vector<std::pair<std::string, OptString>> headers;
      for (const auto& h : want[i]["headers"]) {
        headers.emplace_back(h[0].get<std::string>(), json_opt(h[1]));
      }
      EXPECT_EQ(got[i].headers, headers);
      if (!want[i]["timestamp"].is_null()) {
        EXPECT_EQ(got[i].timestamp, want[i]["timestamp"].get<int64_t>());
      } else {
        const auto& window = meta_["timestamp_window"];
        EXPECT_GE(got[i].timestamp, window[0].get<int64_t>());
        EXPECT_LE(got[i].timestamp, window[1].get<int64_t>());
      }
    }
  }

  std::vector<uint8_t> bytes_;
  nlohmann::json meta_;
  Decompressor decompressor_;
};

using V2Fixture = Fixture;
using LegacyFixture = Fixture;

TEST(Fixtures, AllClientsAndCodecsArePresent) {
  const auto names = fixture_names(false);
  for (const char* client : {"kcat_", "kafka_python_v2_", "java_"}) {
    for (const char* codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
      const std::string name = std::string(client) + codec;
      EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    }
  }
}

TEST_P(V2Fixture, DecodesToWhatTheClientSent) {
  const Compression codec = codec_named(meta_["codec"].get<std::string>());
  BatchReader reader(bytes_);
  std::vector<Decoded> all;
  for (;;) {
    auto next = reader.next();
    ASSERT_TRUE(next.ok()) << to_string(next.error());
    if (!next->has_value()) break;
    const RecordBatchView& batch = **next;
    auto summary = validate_batch(batch, decompressor_);
    ASSERT_TRUE(summary.ok()) << to_string(summary.error());
    EXPECT_EQ(batch.base_offset(), Offset(0));
    EXPECT_EQ(batch.attributes().compression_id(), static_cast<int>(codec));
    EXPECT_EQ(batch.attributes().timestamp_type(), TimestampType::kCreateTime);
    EXPECT_FALSE(batch.attributes().is_transactional());
    EXPECT_FALSE(batch.attributes().is_control());
    EXPECT_EQ(batch.max_timestamp(), summary->max_record_timestamp);
    if (meta_.contains("producer_id")) {
      EXPECT_EQ(batch.producer_id(), ProducerId(meta_["producer_id"].get<int64_t>()));
      EXPECT_EQ(batch.producer_epoch(), ProducerEpoch(meta_["producer_epoch"].get<int16_t>()));
      EXPECT_EQ(batch.base_sequence(), static_cast<int32_t>(all.size()));
    } else {
      EXPECT_EQ(batch.producer_id(), ProducerId(kNoProducerId));
    }
    auto records = testing::decode_all(batch, decompressor_);
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].offset_delta, static_cast<int32_t>(i));
    }
    all.insert(all.end(), records.begin(), records.end());
  }
  expect_records(all);
}

// Re-encoding what a client sent, with the same codec, gives a batch that decodes to the
// same records: our compressors' output is readable by our decompressors.
TEST_P(V2Fixture, ReencodesWithTheSameCodec) {
  BatchReader reader(bytes_);
  auto first = reader.next();
  ASSERT_TRUE(first.ok() && first->has_value());
  const RecordBatchView& batch = **first;
  const auto original = testing::decode_all(batch, decompressor_);

  BatchOptions options;
  options.compression = codec_named(meta_["codec"].get<std::string>());
  BatchBuilder builder(options);
  std::vector<std::vector<HeaderInput>> headers(original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    const Decoded& d = original[i];
    for (const auto& [k, v] : d.headers) {
      headers[i].push_back({k, v ? NullableBytes(testing::as_bytes(*v)) : NullableBytes()});
    }
    RecordInput in;
    in.timestamp = d.timestamp;
    if (d.key) in.key = testing::as_bytes(*d.key);
    if (d.value) in.value = testing::as_bytes(*d.value);
    in.headers = headers[i];
    builder.append(in);
  }
  std::vector<uint8_t> out;
  ASSERT_TRUE(builder.finish(out).ok());
  auto rebuilt = RecordBatchView::parse(out);
  ASSERT_TRUE(rebuilt.ok());
  ASSERT_TRUE(validate_batch(*rebuilt, decompressor_).ok());
  EXPECT_EQ(testing::decode_all(*rebuilt, decompressor_), original);
}

TEST_P(LegacyFixture, DecodesToWhatTheClientSent) {
  auto set = parse_legacy_message_set(bytes_, decompressor_);
  ASSERT_TRUE(set.ok()) << to_string(set.error());
  EXPECT_EQ(set->source_compression, codec_named(meta_["codec"].get<std::string>()));
  std::vector<Decoded> got;
  for (const LegacyMessage& m : set->messages) {
    EXPECT_EQ(m.magic, meta_["magic"].get<int>());
    got.push_back(
        {0, m.timestamp, testing::to_opt_string(m.key), testing::to_opt_string(m.value), {}});
  }
  expect_records(got);
}

// Legacy sets up-convert to one v2 batch holding the same keys, values and timestamps.
TEST_P(LegacyFixture, UpConvertsToOneV2Batch) {
  UpConvertOptions options;  // Keep the producer's codec, as compression.type=producer.
  auto converted = up_convert_legacy(bytes_, decompressor_, options);
  ASSERT_TRUE(converted.ok()) << to_string(converted.error());
  auto batch = RecordBatchView::parse(*converted);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->size_bytes(), converted->size());
  EXPECT_EQ(batch->attributes().compression_id(),
            static_cast<int>(codec_named(meta_["codec"].get<std::string>())));
  ASSERT_TRUE(validate_batch(*batch, decompressor_).ok());
  expect_records(testing::decode_all(*batch, decompressor_));
}

INSTANTIATE_TEST_SUITE_P(Captured, V2Fixture, ::testing::ValuesIn(fixture_names(false)),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Captured, LegacyFixture, ::testing::ValuesIn(fixture_names(true)),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace gregor::records
