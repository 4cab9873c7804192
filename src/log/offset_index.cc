#include "offset_index.h"

#include <algorithm>
#include <limits>

#include "gregor/records/byte_order.h"

namespace gregor::log {

using records::load_be32;
using records::load_be64;
using records::store_be32;
using records::store_be64;

IoResult<OffsetIndex> OffsetIndex::open(const std::filesystem::path& path, Offset base) {
  auto file = IndexFile::open(path, kEntrySize);
  if (!file) return unexpected(file.error());
  return OffsetIndex(std::move(file).value(), base);
}

OffsetPosition OffsetIndex::entry(uint32_t i) const {
  const uint8_t* p = file_.entry(i);
  return OffsetPosition{Offset(base_.value() + static_cast<int32_t>(load_be32(p))),
                        load_be32(p + 4)};
}

OffsetPosition OffsetIndex::lookup(Offset target) const {
  uint32_t n = file_.count_prefix([&](uint32_t i) { return entry(i).offset <= target; });
  if (n == 0) return OffsetPosition{base_, 0};
  return entry(n - 1);
}

std::optional<OffsetPosition> OffsetIndex::last_entry_within(uint64_t max_position,
                                                             Offset below) const {
  // Positions and offsets both grow with the entry number, so the entries meeting both
  // bounds form a prefix; its length is the smaller of two binary searches.
  uint32_t n =
      std::min(file_.count_prefix([&](uint32_t i) { return entry(i).position <= max_position; }),
               file_.count_prefix([&](uint32_t i) { return entry(i).offset < below; }));
  if (n == 0) return std::nullopt;
  return entry(n - 1);
}

IoResult<void> OffsetIndex::append(Offset offset, uint32_t position) {
  uint8_t buf[kEntrySize];
  store_be32(buf, static_cast<uint32_t>(offset.value() - base_.value()));
  store_be32(buf + 4, position);
  return file_.append(buf);
}

void OffsetIndex::truncate_to(Offset offset) {
  file_.truncate_to_entries(
      file_.count_prefix([&](uint32_t i) { return entry(i).offset < offset; }));
}

bool OffsetIndex::is_consistent(uint64_t log_size, bool full) const {
  if (!file_.length_is_whole()) return false;
  const uint32_t n = entries();
  if (n == 0) return true;
  auto entry_ok = [&](const uint8_t* p) {
    int32_t rel = static_cast<int32_t>(load_be32(p));
    int32_t pos = static_cast<int32_t>(load_be32(p + 4));
    return rel >= 0 && pos >= 0 && static_cast<uint64_t>(pos) < log_size;
  };
  auto strictly_after = [&](uint32_t a, uint32_t b) {
    return load_be32(file_.entry(b)) > load_be32(file_.entry(a)) &&
           load_be32(file_.entry(b) + 4) > load_be32(file_.entry(a) + 4);
  };
  if (!full) {
    return entry_ok(file_.entry(0)) && entry_ok(file_.entry(n - 1)) &&
           (n == 1 || strictly_after(0, n - 1));
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (!entry_ok(file_.entry(i))) return false;
    if (i > 0 && !strictly_after(i - 1, i)) return false;
  }
  return true;
}

}  // namespace gregor::log
