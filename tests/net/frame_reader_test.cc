#include "frame_reader.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gregor::net {
namespace {

// Feeds `bytes` through read_buffer()/commit() in pieces of at most `piece` bytes, draining
// complete frames after each piece, as the connection does.
struct Feed {
  std::vector<std::string> frames;
  std::optional<FrameError> error;
};

Feed feed(FrameReader& reader, const std::vector<uint8_t>& bytes, size_t piece) {
  Feed out;
  size_t pos = 0;
  while (pos < bytes.size() && !out.error) {
    std::span<uint8_t> space = reader.read_buffer();
    EXPECT_FALSE(space.empty());
    const size_t n = std::min({piece, space.size(), bytes.size() - pos});
    std::memcpy(space.data(), bytes.data() + pos, n);
    reader.commit(n);
    pos += n;
    for (;;) {
      auto next = reader.next();
      if (!next) {
        out.error = next.error();
        break;
      }
      if (!next->has_value()) break;
      const Frame& frame = **next;
      out.frames.emplace_back(reinterpret_cast<const char*>(frame.data()), frame.size());
    }
  }
  return out;
}

std::vector<uint8_t> framed(const std::string& payload) {
  const auto n = static_cast<uint32_t>(payload.size());
  std::vector<uint8_t> out(4 + payload.size());
  out[0] = static_cast<uint8_t>(n >> 24);
  out[1] = static_cast<uint8_t>(n >> 16);
  out[2] = static_cast<uint8_t>(n >> 8);
  out[3] = static_cast<uint8_t>(n);
  if (!payload.empty()) std::memcpy(out.data() + 4, payload.data(), payload.size());
  return out;
}

TEST(FrameReader, SplitsFramesWhateverTheReadSizes) {
  std::vector<uint8_t> stream;
  std::vector<std::string> expected = {"a", "", "hello", std::string(100000, 'x'), "tail"};
  for (const auto& payload : expected) {
    auto bytes = framed(payload);
    stream.insert(stream.end(), bytes.begin(), bytes.end());
  }
  for (size_t piece : {size_t{1}, size_t{3}, size_t{4}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    FrameReader reader(1 << 20);
    Feed out = feed(reader, stream, piece);
    ASSERT_FALSE(out.error) << "piece " << piece;
    EXPECT_EQ(out.frames, expected) << "piece " << piece;
    EXPECT_FALSE(reader.mid_frame());
  }
}

TEST(FrameReader, LargeFramesAreReadDirectlyIntoTheirBuffer) {
  FrameReader reader(1 << 20);
  const std::string payload(200000, 'y');
  auto bytes = framed(payload);
  // First read: the header and a little of the payload land in scratch.
  Feed head = feed(reader, {bytes.begin(), bytes.begin() + 10}, 10);
  ASSERT_TRUE(head.frames.empty());
  // The rest is big enough to go straight into the frame: the span is exactly what remains.
  std::span<uint8_t> space = reader.read_buffer();
  EXPECT_EQ(space.size(), payload.size() - 6);
  std::memcpy(space.data(), bytes.data() + 10, space.size());
  reader.commit(space.size());
  auto next = reader.next();
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>((*next)->data()), (*next)->size()), payload);
}

TEST(FrameReader, RejectsNegativeAndOversizedSizesBeforeAllocating) {
  {
    FrameReader reader(1000);
    Feed out = feed(reader, {0xff, 0xff, 0xff, 0xfe}, 4);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind, FrameError::Kind::kNegativeSize);
    EXPECT_EQ(out.error->size, -2);
    EXPECT_EQ(out.error->limit, 1000);
  }
  {
    FrameReader reader(1000);
    Feed out = feed(reader, {0x00, 0x00, 0x03, 0xe9}, 4);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind, FrameError::Kind::kOversized);
    EXPECT_EQ(out.error->size, 1001);
  }
  {
    // Exactly the limit is fine.
    FrameReader reader(1000);
    Feed out = feed(reader, framed(std::string(1000, 'z')), 333);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(out.frames.size(), 1u);
  }
  {
    // An HTTP client's first bytes keep the raw prefix for the log.
    FrameReader reader(1000);
    Feed out = feed(reader, {'G', 'E', 'T', ' ', '/'}, 5);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(std::memcmp(out.error->prefix, "GET ", 4), 0);
  }
}

TEST(FrameReader, ReportsAPartialFrame) {
  FrameReader reader(1000);
  auto bytes = framed("0123456789");
  Feed out = feed(reader, {bytes.begin(), bytes.begin() + 7}, 7);
  EXPECT_TRUE(out.frames.empty());
  EXPECT_TRUE(reader.mid_frame());
  EXPECT_EQ(reader.partial_bytes(), 3u);
  EXPECT_EQ(reader.partial_target(), 10u);
}

}  // namespace
}  // namespace gregor::net
