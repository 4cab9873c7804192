#include "time_index.h"

#include "gregor/records/byte_order.h"

namespace gregor::log {

using records::load_be32;
using records::load_be64;
using records::store_be32;
using records::store_be64;

TimeIndex::TimeIndex(IndexFile file, Offset base) : file_(std::move(file)), base_(base) {
  reload_last();
}

IoResult<TimeIndex> TimeIndex::open(const std::filesystem::path& path, Offset base) {
  auto file = IndexFile::open(path, kEntrySize);
  if (!file) return unexpected(file.error());
  return TimeIndex(std::move(file).value(), base);
}

TimestampOffset TimeIndex::entry(uint32_t i) const {
  const uint8_t* p = file_.entry(i);
  return TimestampOffset{static_cast<int64_t>(load_be64(p)),
                         Offset(base_.value() + static_cast<int32_t>(load_be32(p + 8)))};
}

void TimeIndex::reload_last() {
  last_ = entries() == 0 ? TimestampOffset{records::kNoTimestamp, base_} : entry(entries() - 1);
}

std::optional<TimestampOffset> TimeIndex::last_entry_before(int64_t target) const {
  uint32_t n = file_.count_prefix([&](uint32_t i) { return entry(i).timestamp < target; });
  if (n == 0) return std::nullopt;
  return entry(n - 1);
}

IoResult<void> TimeIndex::maybe_append(int64_t timestamp, Offset offset) {
  if (timestamp <= last_.timestamp || offset < last_.offset) return {};
  uint8_t buf[kEntrySize];
  store_be64(buf, static_cast<uint64_t>(timestamp));
  store_be32(buf + 8, static_cast<uint32_t>(offset.value() - base_.value()));
  if (auto r = file_.append(buf); !r) return r;
  last_ = TimestampOffset{timestamp, offset};
  return {};
}

void TimeIndex::truncate_to(Offset offset) {
  file_.truncate_to_entries(
      file_.count_prefix([&](uint32_t i) { return entry(i).offset < offset; }));
  reload_last();
}

void TimeIndex::reset() {
  file_.truncate_to_entries(0);
  reload_last();
}

bool TimeIndex::is_consistent(Offset last_offset, bool full) const {
  if (!file_.length_is_whole()) return false;
  const uint32_t n = entries();
  if (n == 0) return true;
  auto in_range = [&](const TimestampOffset& e) {
    return e.offset >= base_ && e.offset <= last_offset;
  };
  auto ordered = [](const TimestampOffset& a, const TimestampOffset& b) {
    return b.timestamp > a.timestamp && b.offset >= a.offset;
  };
  if (!full) {
    return in_range(entry(0)) && in_range(entry(n - 1)) &&
           (n == 1 || ordered(entry(0), entry(n - 1)));
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (!in_range(entry(i))) return false;
    if (i > 0 && !ordered(entry(i - 1), entry(i))) return false;
  }
  return true;
}

}  // namespace gregor::log
