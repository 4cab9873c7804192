#include "gregor/records/record.h"

#include <gtest/gtest.h>

#include <limits>

#include "gregor/records/varint.h"
#include "test_util.h"

namespace gregor::records {
namespace {

// Writes record fields by hand, so tests can produce exactly the malformed shapes they
// want.
class RecordWriter {
 public:
  RecordWriter& byte(uint8_t b) { return push(b), *this; }
  RecordWriter& varint(int64_t v) { return write_varlong(body_, v), *this; }
  RecordWriter& raw(std::string_view s) {
    body_.insert(body_.end(), s.begin(), s.end());
    return *this;
  }
  RecordWriter& field(std::string_view s) { return varint(static_cast<int64_t>(s.size())).raw(s); }
  RecordWriter& null_field() { return varint(-1); }
  // A well-formed record: attributes, deltas, key, value, headers.
  static RecordWriter simple(int32_t offset_delta, std::string_view key, std::string_view value) {
    RecordWriter w;
    w.byte(0).varint(5).varint(offset_delta).field(key).field(value).varint(0);
    return w;
  }
  // Length prefix (the actual body size unless overridden) followed by the body.
  std::vector<uint8_t> framed(std::optional<int64_t> length = std::nullopt) const {
    std::vector<uint8_t> out;
    write_varlong(out, length.value_or(static_cast<int64_t>(body_.size())));
    out.insert(out.end(), body_.begin(), body_.end());
    return out;
  }

 private:
  void push(uint8_t b) { body_.push_back(b); }
  std::vector<uint8_t> body_;
};

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Reads every record; returns the first error, or kNone-like success as std::nullopt.
std::optional<RecordsError> walk(const std::vector<uint8_t>& data, int32_t count) {
  RecordIterator it(data, count);
  RecordView r;
  for (;;) {
    auto more = it.next(&r);
    if (!more) return more.error();
    if (!*more) return std::nullopt;
  }
}

TEST(RecordIterator, ReadsAllFields) {
  RecordWriter w;
  w.byte(0).varint(-7).varint(0).field("k").field("value").varint(3);
  w.field("a").field("1").field("b").null_field().field("").field("");
  const auto data = w.framed();
  RecordIterator it(data, 1);
  RecordView r;
  ASSERT_TRUE(it.next(&r).value());
  EXPECT_EQ(r.timestamp_delta, -7);
  EXPECT_EQ(r.offset_delta, 0);
  EXPECT_EQ(testing::to_opt_string(r.key), "k");
  EXPECT_EQ(testing::to_opt_string(r.value), "value");
  EXPECT_EQ(r.header_count, 3);
  EXPECT_EQ(r.encoded.size(), data.size());
  const auto d = testing::decode(r, 100);
  EXPECT_EQ(d.timestamp, 93);
  ASSERT_EQ(d.headers.size(), 3u);
  EXPECT_EQ(d.headers[0], (std::pair<std::string, testing::OptString>("a", "1")));
  EXPECT_EQ(d.headers[1], (std::pair<std::string, testing::OptString>("b", std::nullopt)));
  EXPECT_EQ(d.headers[2], (std::pair<std::string, testing::OptString>("", "")));
  EXPECT_FALSE(it.next(&r).value());
}

TEST(RecordIterator, NullKeyAndValueDifferFromEmpty) {
  RecordWriter w;
  w.byte(0).varint(0).varint(0).null_field().field("").varint(0);
  const auto data = w.framed();
  RecordIterator it(data, 1);
  RecordView r;
  ASSERT_TRUE(it.next(&r).value());
  EXPECT_FALSE(r.key.has_value());
  ASSERT_TRUE(r.value.has_value());
  EXPECT_TRUE(r.value->empty());
}

TEST(RecordIterator, CountMustMatchTheBytes) {
  const auto one = RecordWriter::simple(0, "k", "v").framed();
  const auto two = concat({one, RecordWriter::simple(1, "k", "v").framed()});
  EXPECT_EQ(walk(two, 2), std::nullopt);
  EXPECT_EQ(walk(one, 2), RecordsError::kRecordCountMismatch);
  EXPECT_EQ(walk(two, 1), RecordsError::kRecordCountMismatch);
  EXPECT_EQ(walk(one, 0), RecordsError::kRecordCountMismatch);
  EXPECT_EQ(walk(one, -1), RecordsError::kRecordCountMismatch);
  EXPECT_EQ(walk({}, 0), std::nullopt);
  EXPECT_EQ(walk({}, std::numeric_limits<int32_t>::max()), RecordsError::kRecordCountMismatch);
}

TEST(RecordIterator, RejectsBadRecordLengths) {
  const auto body = RecordWriter::simple(0, "k", "v");
  const int64_t size = static_cast<int64_t>(body.framed().size()) - 1;
  EXPECT_EQ(walk(body.framed(-1), 1), RecordsError::kInvalidRecord);
  EXPECT_EQ(walk(body.framed(0), 1), RecordsError::kInvalidRecord);
  EXPECT_EQ(walk(body.framed(size + 1), 1), RecordsError::kInvalidRecord);  // Past the end.
  EXPECT_EQ(walk(body.framed(std::numeric_limits<int32_t>::max()), 1),
            RecordsError::kInvalidRecord);
  // Fields that end before the declared length leave trailing bytes: rejected.
  auto padded = body;
  padded.byte(0);
  EXPECT_EQ(walk(padded.framed(), 1), RecordsError::kInvalidRecord);
  // A declared length shorter than the fields: they run past it.
  EXPECT_EQ(walk(concat({body.framed(size - 1), {0}}), 1), RecordsError::kInvalidRecord);
  // An overlong length varint.
  EXPECT_EQ(walk({0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 1), RecordsError::kInvalidRecord);
}

TEST(RecordIterator, RejectsBadFieldLengths) {
  RecordWriter negative_key;
  negative_key.byte(0).varint(0).varint(0).varint(-2).field("v").varint(0);
  EXPECT_EQ(walk(negative_key.framed(), 1), RecordsError::kInvalidRecord);

  RecordWriter key_past_end;
  key_past_end.byte(0).varint(0).varint(0).varint(100).raw("abc");
  EXPECT_EQ(walk(key_past_end.framed(), 1), RecordsError::kInvalidRecord);

  RecordWriter huge_value;
  huge_value.byte(0).varint(0).varint(0).field("k").varint(std::numeric_limits<int32_t>::max());
  EXPECT_EQ(walk(huge_value.framed(), 1), RecordsError::kInvalidRecord);

  RecordWriter overlong_timestamp;
  overlong_timestamp.byte(0).raw(std::string(11, '\x80'));
  EXPECT_EQ(walk(overlong_timestamp.framed(), 1), RecordsError::kInvalidRecord);
}

TEST(RecordIterator, RejectsBadHeaders) {
  auto with_headers = [](int64_t count, auto&& add) {
    RecordWriter w;
    w.byte(0).varint(0).varint(0).field("k").field("v").varint(count);
    add(w);
    return w.framed();
  };
  EXPECT_EQ(walk(with_headers(-1, [](RecordWriter&) {}), 1), RecordsError::kInvalidRecord);
  // A huge count is refused before any header is read.
  EXPECT_EQ(walk(with_headers(std::numeric_limits<int32_t>::max(),
                              [](RecordWriter& w) { w.field("a").field("b"); }),
                 1),
            RecordsError::kInvalidRecord);
  EXPECT_EQ(walk(with_headers(2, [](RecordWriter& w) { w.field("a").field("b"); }), 1),
            RecordsError::kInvalidRecord);
  // Header keys are not nullable.
  EXPECT_EQ(walk(with_headers(1, [](RecordWriter& w) { w.null_field().field("b"); }), 1),
            RecordsError::kInvalidRecord);
  EXPECT_EQ(walk(with_headers(1, [](RecordWriter& w) { w.field("a").varint(-3); }), 1),
            RecordsError::kInvalidRecord);
  EXPECT_EQ(walk(with_headers(1, [](RecordWriter& w) { w.field("a").varint(9).raw("x"); }), 1),
            RecordsError::kInvalidRecord);
}

TEST(ControlKey, ParsesMarkers) {
  const std::vector<uint8_t> commit = {0, 0, 0, 1}, abort = {0, 0, 0, 0};
  EXPECT_EQ(parse_control_key(Bytes(commit)).value(), ControlType::kCommit);
  EXPECT_EQ(parse_control_key(Bytes(abort)).value(), ControlType::kAbort);
  const std::vector<uint8_t> short_key = {0, 0, 1}, unknown = {0, 0, 0, 9},
                             negative_version = {0xff, 0xff, 0, 1};
  EXPECT_FALSE(parse_control_key(Bytes(short_key)).ok());
  EXPECT_FALSE(parse_control_key(Bytes(unknown)).ok());
  EXPECT_FALSE(parse_control_key(Bytes(negative_version)).ok());
  EXPECT_FALSE(parse_control_key(NullableBytes()).ok());
}

}  // namespace
}  // namespace gregor::records
