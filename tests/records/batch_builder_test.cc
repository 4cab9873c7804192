#include "gregor/records/batch_builder.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace gregor::records {
namespace {

using testing::as_bytes;
using testing::Decoded;

// Inputs that own their bytes, plus the records they should decode to.
struct Sample {
  std::vector<std::string> strings;
  std::vector<std::vector<HeaderInput>> headers;
  std::vector<RecordInput> inputs;
  std::vector<Decoded> expected;
};

Sample make_sample(int n) {
  Sample s;
  s.strings.reserve(static_cast<size_t>(n) * 3);
  s.headers.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    s.strings.push_back("key-" + std::to_string(i));
    s.strings.push_back(
        std::string(static_cast<size_t>(i * 37 % 500), static_cast<char>('a' + i % 26)));
    s.strings.push_back("hv" + std::to_string(i));
    const std::string& key = s.strings[s.strings.size() - 3];
    const std::string& value = s.strings[s.strings.size() - 2];
    const std::string& hv = s.strings.back();
    Decoded d;
    d.offset_delta = i;
    d.timestamp = int64_t{1700000000000} + int64_t{i % 7} * 3 - 5;
    if (i % 5 != 0) d.key = key;      // Every fifth key is null.
    if (i % 9 != 1) d.value = value;  // Some tombstones.
    if (i % 2 == 0) {
      s.headers[i].push_back({"h", as_bytes(hv)});
      s.headers[i].push_back({"nil", std::nullopt});
      d.headers = {{"h", hv}, {"nil", std::nullopt}};
    }
    RecordInput in;
    in.timestamp = d.timestamp;
    if (d.key) in.key = as_bytes(key);
    if (d.value) in.value = as_bytes(value);
    in.headers = s.headers[i];
    s.inputs.push_back(in);
    s.expected.push_back(d);
  }
  return s;
}

class BuilderCodecTest : public ::testing::TestWithParam<Compression> {};

TEST_P(BuilderCodecTest, BuildsBatchesThatDecodeToTheInput) {
  const Sample s = make_sample(100);
  BatchOptions options;
  options.base_offset = Offset(42);
  options.compression = GetParam();
  options.producer_id = ProducerId(9);
  options.producer_epoch = ProducerEpoch(1);
  options.base_sequence = 0;
  options.transactional = true;
  const auto bytes = testing::must_build(options, s.inputs);
  auto batch = RecordBatchView::parse(bytes);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->size_bytes(), bytes.size());
  EXPECT_EQ(batch->attributes().compression_id(), static_cast<int>(GetParam()));
  EXPECT_TRUE(batch->attributes().is_transactional());
  EXPECT_FALSE(batch->attributes().is_control());
  EXPECT_EQ(batch->base_offset(), Offset(42));
  EXPECT_EQ(batch->last_offset(), Offset(141));
  EXPECT_EQ(batch->record_count(), 100);
  EXPECT_EQ(batch->base_timestamp(), s.expected[0].timestamp);
  EXPECT_EQ(batch->max_timestamp(), 1700000000000 + 18 - 5);
  EXPECT_EQ(batch->producer_id(), ProducerId(9));
  Decompressor d;
  ASSERT_TRUE(validate_batch(*batch, d).ok());
  EXPECT_EQ(testing::decode_all(*batch, d), s.expected);
}

INSTANTIATE_TEST_SUITE_P(Codecs, BuilderCodecTest,
                         ::testing::Values(Compression::kNone, Compression::kGzip,
                                           Compression::kSnappy, Compression::kLz4,
                                           Compression::kZstd));

TEST(BatchBuilder, ReuseGivesIdenticalOutput) {
  const Sample s = make_sample(10);
  BatchOptions options;
  options.compression = Compression::kZstd;
  BatchBuilder builder(options);
  std::vector<uint8_t> first, second;
  for (const auto& r : s.inputs)
    builder.append(r);
  ASSERT_TRUE(builder.finish(first).ok());
  builder.reset(options);
  for (const auto& r : s.inputs)
    builder.append(r);
  ASSERT_TRUE(builder.finish(second).ok());
  EXPECT_EQ(first, second);
  // finish() appends, so batches can be written back to back.
  std::vector<uint8_t> two = first;
  builder.reset(options);
  for (const auto& r : s.inputs)
    builder.append(r);
  ASSERT_TRUE(builder.finish(two).ok());
  EXPECT_EQ(two.size(), 2 * first.size());
}

TEST(BatchBuilder, ExplicitDeltasMustIncrease) {
  BatchBuilder builder;
  RecordInput r;
  ASSERT_TRUE(builder.append_with_delta(3, r).ok());
  EXPECT_EQ(builder.append_with_delta(3, r).error(), RecordsError::kInvalidArgument);
  EXPECT_EQ(builder.append_with_delta(1, r).error(), RecordsError::kInvalidArgument);
  builder.append(r);                 // Delta 4.
  builder.set_last_offset_delta(2);  // Ignored: below the last delta.
  std::vector<uint8_t> out;
  ASSERT_TRUE(builder.finish(out).ok());
  EXPECT_EQ(RecordBatchView::parse(out)->last_offset_delta(), 4);
}

TEST(BatchBuilder, EmptyBatch) {
  BatchBuilder builder;
  std::vector<uint8_t> out;
  ASSERT_TRUE(builder.finish(out).ok());
  ASSERT_EQ(out.size(), kBatchHeaderSize);
  auto batch = RecordBatchView::parse(out);
  EXPECT_EQ(batch->record_count(), 0);
  EXPECT_EQ(batch->last_offset_delta(), 0);
  EXPECT_EQ(batch->base_timestamp(), kNoTimestamp);
  EXPECT_EQ(batch->max_timestamp(), kNoTimestamp);
  EXPECT_TRUE(batch->crc_matches());
}

TEST(BatchBuilder, LogAppendTimeAndDeleteHorizon) {
  BatchOptions options;
  options.timestamp_type = TimestampType::kLogAppendTime;
  options.log_append_time = 9999;
  options.delete_horizon = 5000;
  RecordInput r;
  r.timestamp = 4000;
  const auto bytes = testing::must_build(options, std::span(&r, 1));
  auto batch = RecordBatchView::parse(bytes);
  EXPECT_EQ(batch->attributes().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(batch->max_timestamp(), 9999);
  EXPECT_EQ(batch->delete_horizon(), 5000);
  Decompressor d;
  ASSERT_TRUE(validate_batch(*batch, d).ok());
  EXPECT_EQ(testing::decode_all(*batch, d)[0].timestamp, 4000);  // Relative to the horizon.
}

TEST(BatchBuilder, ControlBatches) {
  BatchOptions options;
  options.producer_id = ProducerId(5);
  options.producer_epoch = ProducerEpoch(3);
  auto bytes = build_control_batch(options, ControlType::kCommit, 17, 123);
  ASSERT_TRUE(bytes.ok());
  auto batch = RecordBatchView::parse(*bytes);
  EXPECT_TRUE(batch->attributes().is_control());
  EXPECT_TRUE(batch->attributes().is_transactional());
  EXPECT_EQ(batch->producer_id(), ProducerId(5));
  EXPECT_EQ(batch->max_timestamp(), 123);
  Decompressor d;
  auto records = open_records(*batch, d, 1 << 20);
  RecordView r;
  ASSERT_TRUE(records->next(&r).value());
  EXPECT_EQ(parse_control_key(r.key).value(), ControlType::kCommit);
  EXPECT_EQ(std::vector<uint8_t>(r.value->begin(), r.value->end()),
            (std::vector<uint8_t>{0, 0, 0, 0, 0, 17}));
  EXPECT_FALSE(records->next(&r).value());
}

}  // namespace
}  // namespace gregor::records
