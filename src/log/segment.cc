#include "segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits>
#include <system_error>

#include "gregor/records/record.h"
#include "segment_files.h"

namespace gregor::log {
namespace {

IoError corrupt(const std::filesystem::path& path, uint64_t position, std::string_view what) {
  IoError e = make_io_error(what, path, kCorruptDataErr);
  e.message += " at byte " + std::to_string(position);
  return e;
}

}  // namespace

Segment::Segment(std::filesystem::path dir, Offset base, File log, OffsetIndex offset_index,
                 TimeIndex time_index, uint64_t size, int64_t created_ms)
    : dir_(std::move(dir)),
      base_(base),
      log_(std::move(log)),
      offset_index_(std::move(offset_index)),
      time_index_(std::move(time_index)),
      size_(size),
      created_ms_(created_ms),
      max_timestamp_{records::kNoTimestamp, base} {}

IoResult<std::shared_ptr<Segment>> Segment::open_files(const std::filesystem::path& dir,
                                                       Offset base, int log_flags, int64_t now_ms) {
  auto log = File::open(segment_path(dir, base, kLogSuffix), log_flags);
  if (!log) return unexpected(log.error());
  auto size = log->size();
  if (!size) return unexpected(size.error());
  auto offset_index = OffsetIndex::open(segment_path(dir, base, kIndexSuffix), base);
  if (!offset_index) return unexpected(offset_index.error());
  auto time_index = TimeIndex::open(segment_path(dir, base, kTimeIndexSuffix), base);
  if (!time_index) return unexpected(time_index.error());
  return std::shared_ptr<Segment>(new Segment(dir, base, std::move(log).value(),
                                              std::move(offset_index).value(),
                                              std::move(time_index).value(), *size, now_ms));
}

IoResult<std::shared_ptr<Segment>> Segment::create(const std::filesystem::path& dir, Offset base,
                                                   uint32_t index_bytes, int64_t now_ms) {
  // Index files left behind without their log (a crash between creating the files of a
  // roll) hold nothing we want; start them from scratch.
  std::error_code ignored;
  std::filesystem::remove(segment_path(dir, base, kIndexSuffix), ignored);
  std::filesystem::remove(segment_path(dir, base, kTimeIndexSuffix), ignored);
  auto segment = open_files(dir, base, O_RDWR | O_CREAT | O_EXCL, now_ms);
  if (!segment) return segment;
  if (auto r = (*segment)->unseal(index_bytes); !r) return unexpected(r.error());
  return segment;
}

IoResult<std::shared_ptr<Segment>> Segment::open(const std::filesystem::path& dir, Offset base,
                                                 int64_t now_ms) {
  std::error_code ec;
  bool missing = !std::filesystem::exists(segment_path(dir, base, kIndexSuffix), ec) ||
                 !std::filesystem::exists(segment_path(dir, base, kTimeIndexSuffix), ec);
  auto segment = open_files(dir, base, O_RDWR, now_ms);
  if (!segment) return segment;
  (*segment)->index_missing_ = missing;
  (*segment)->max_timestamp_ = (*segment)->time_index_.last_entry();
  return segment;
}

IoResult<void> Segment::append(std::span<const uint8_t> bytes,
                               std::span<const AppendedBatch> batches, int32_t index_interval) {
  if (bytes.empty()) return {};
  if (auto r = log_.pwrite_all(bytes, size_); !r) {
    // Leave no partial batch behind if the file still cooperates; the log dir goes
    // offline either way.
    (void)log_.truncate(size_);
    return r;
  }
  if (size_ == 0 && !batches.empty()) first_batch_timestamp_ = batches.front().max_timestamp;
  uint64_t position = size_;
  size_ += bytes.size();
  IoResult<void> status;
  for (const AppendedBatch& batch : batches) {
    add_index_entries(position, batch, index_interval, status);
    position += batch.size;
  }
  return status;
}

void Segment::add_index_entries(uint64_t position, const AppendedBatch& batch,
                                int32_t index_interval, IoResult<void>& status) {
  if (batch.max_timestamp > max_timestamp_.timestamp) {
    max_timestamp_ = TimestampOffset{batch.max_timestamp, batch.last_offset};
  }
  if (bytes_since_index_ > static_cast<uint64_t>(index_interval)) {
    // A full index only makes the index sparser; the roll check starts a new segment
    // before the next append.
    if (status && offset_index_.entries() < offset_index_.file().capacity()) {
      status = offset_index_.append(batch.last_offset, static_cast<uint32_t>(position));
    }
    if (status && !time_index_.is_full(time_index_.file().capacity())) {
      status = time_index_.maybe_append(max_timestamp_.timestamp, max_timestamp_.offset);
    }
    bytes_since_index_ = 0;
  }
  bytes_since_index_ += batch.size;
}

IoResult<bool> Segment::load_first_batch_timestamp() {
  if (first_batch_timestamp_ || size_ == 0) return true;
  auto first = header_at(0);
  if (!first) return unexpected(first.error());
  first_batch_timestamp_ = *first ? (*first)->header.max_timestamp : records::kNoTimestamp;
  return true;
}

bool Segment::should_roll(const RollParams& p) {
  int64_t reference = -1;
  if (load_first_batch_timestamp() && first_batch_timestamp_) reference = *first_batch_timestamp_;
  int64_t waited = reference >= 0 ? p.incoming_max_timestamp - reference : p.now_ms - created_ms_;
  bool time_due = size_ > 0 && waited > p.segment_ms;
  bool size_due = static_cast<int64_t>(size_) >
                  static_cast<int64_t>(p.segment_bytes) - static_cast<int64_t>(p.incoming_bytes);
  bool index_full = offset_index_.entries() >= offset_index_.file().capacity() ||
                    time_index_.is_full(time_index_.file().capacity());
  bool offset_overflow =
      p.incoming_last_offset.value() - base_.value() > std::numeric_limits<int32_t>::max();
  return size_due || time_due || (size_ > 0 && index_full) || offset_overflow;
}

IoResult<std::optional<ScannedHeader>> Segment::header_at(uint64_t position) {
  HeaderScanner scanner(log_, position, size_);
  return scanner.next();
}

IoResult<std::optional<ScannedHeader>> Segment::find_batch(Offset target) {
  OffsetPosition start = offset_index_.lookup(target);
  if (start.position != 0) {
    // The index is only a hint: confirm that a batch ending at the entry's offset starts
    // at its position before scanning from there.
    auto at = header_at(start.position);
    if (!at) return unexpected(at.error());
    if (!*at || (*at)->header.last_offset() != start.offset) {
      if (auto r = rebuild_indexes(index_interval_); !r) return unexpected(r.error());
      start = offset_index_.lookup(target);
    }
  }
  HeaderScanner scanner(log_, start.position, size_);
  std::optional<ScannedHeader> found;
  auto scan = scanner.for_each([&](const ScannedHeader& h) {
    if (h.header.last_offset() >= target) found = h;
    return !found;
  });
  if (!scan) return unexpected(scan.error());
  if (found) return found;
  if (scanner.stopped_early()) return unexpected(corrupt(log_.path(), scanner.position(), "scan"));
  return std::optional<ScannedHeader>();
}

IoResult<std::optional<FileRange>> Segment::read(Offset start, uint64_t max_bytes,
                                                 Offset upper_bound, bool min_one,
                                                 const std::shared_ptr<const void>& owner) {
  auto first = find_batch(start);
  if (!first) return unexpected(first.error());
  if (!*first) return std::optional<FileRange>();
  const ScannedHeader& head = **first;
  FileRange range{log_.fd(), head.position, 0, owner};
  if (head.header.last_offset() >= upper_bound) return std::optional<FileRange>(range);
  if (head.header.size() > max_bytes && !min_one) return std::optional<FileRange>(range);
  uint64_t total = head.header.size();
  // Jump ahead with the index to the last indexed batch that still fits, so that only
  // the few batches after it have their headers read.
  uint64_t budget_end = head.position + std::max<uint64_t>(max_bytes, total);
  if (auto skip = offset_index_.last_entry_within(budget_end, upper_bound);
      skip && skip->position > head.position) {
    auto at = header_at(skip->position);
    if (!at) return unexpected(at.error());
    if (*at && (*at)->header.last_offset() == skip->offset &&
        skip->position + (*at)->header.size() <= budget_end) {
      total = skip->position + (*at)->header.size() - head.position;
    }
  }
  HeaderScanner scanner(log_, head.position + total, size_);
  auto scan = scanner.for_each([&](const ScannedHeader& next) {
    const BatchHeader& h = next.header;
    if (h.last_offset() >= upper_bound || total + h.size() > max_bytes) return false;
    total += h.size();
    return true;
  });
  if (!scan) return unexpected(scan.error());
  range.length = static_cast<uint32_t>(total);
  return std::optional<FileRange>(range);
}

IoResult<std::vector<uint8_t>> Segment::read_batch_bytes(const ScannedHeader& at) {
  // The scanner only yields batches that fit inside the file, so the size is bounded by
  // the segment size.
  std::vector<uint8_t> bytes(at.header.size());
  auto n = log_.pread(bytes, at.position);
  if (!n) return unexpected(n.error());
  if (*n != bytes.size()) return unexpected(corrupt(log_.path(), at.position, "short read"));
  return bytes;
}

namespace {

// Walks the records of one batch in order, giving each record's absolute offset and its
// effective timestamp (the batch's max timestamp under LogAppendTime).
template <class Fn>
IoResult<bool> for_each_record(const std::vector<uint8_t>& bytes, const File& file,
                               uint64_t position, records::Decompressor& decompressor, Fn&& fn) {
  auto view = records::RecordBatchView::parse(bytes);
  if (!view) return unexpected(corrupt(file.path(), position, "parse batch"));
  auto it = records::open_records(*view, decompressor, std::numeric_limits<int32_t>::max());
  if (!it) return unexpected(corrupt(file.path(), position, "open records"));
  bool log_append = view->attributes().timestamp_type() == records::TimestampType::kLogAppendTime;
  records::RecordView record;
  for (;;) {
    auto more = it->next(&record);
    if (!more) return unexpected(corrupt(file.path(), position, "read record"));
    if (!*more) return false;
    int64_t ts =
        log_append ? view->max_timestamp() : view->base_timestamp() + record.timestamp_delta;
    if (fn(Offset(view->base_offset().value() + record.offset_delta), ts)) return true;
  }
}

}  // namespace

IoResult<std::optional<TimestampOffset>> Segment::find_offset_by_timestamp(
    int64_t target, Offset min_offset, records::Decompressor& decompressor) {
  uint64_t start = offset_index_.lookup(min_offset).position;
  if (auto before = time_index_.last_entry_before(target)) {
    start = std::max<uint64_t>(start, offset_index_.lookup(before->offset).position);
  }
  HeaderScanner scanner(log_, start, size_);
  for (;;) {
    auto next = scanner.next();
    if (!next) return unexpected(next.error());
    if (!*next) break;
    const BatchHeader& h = (*next)->header;
    if (h.last_offset() < min_offset || h.max_timestamp < target) continue;
    auto bytes = read_batch_bytes(**next);
    if (!bytes) return unexpected(bytes.error());
    std::optional<TimestampOffset> found;
    auto r = for_each_record(*bytes, log_, (*next)->position, decompressor,
                             [&](Offset offset, int64_t ts) {
                               if (offset < min_offset || ts < target) return false;
                               found = TimestampOffset{ts, offset};
                               return true;
                             });
    if (!r) return unexpected(r.error());
    if (found) return found;
  }
  return std::optional<TimestampOffset>();
}

IoResult<std::optional<TimestampOffset>> Segment::find_max_timestamp_record(
    records::Decompressor& decompressor) {
  if (max_timestamp_.timestamp < 0) return std::optional<TimestampOffset>();
  auto batch = find_batch(max_timestamp_.offset);
  if (!batch) return unexpected(batch.error());
  if (!*batch) return std::optional<TimestampOffset>();
  auto bytes = read_batch_bytes(**batch);
  if (!bytes) return unexpected(bytes.error());
  std::optional<TimestampOffset> found;
  auto r = for_each_record(*bytes, log_, (*batch)->position, decompressor,
                           [&](Offset offset, int64_t ts) {
                             if (ts != max_timestamp_.timestamp) return false;
                             found = TimestampOffset{ts, offset};
                             return true;
                           });
  if (!r) return unexpected(r.error());
  if (!found) found = max_timestamp_;
  return found;
}

int64_t Segment::retention_timestamp() const {
  if (max_timestamp_.timestamp >= 0) return max_timestamp_.timestamp;
  struct stat st {};
  if (::fstat(log_.fd(), &st) != 0) return created_ms_;
  return int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

IoResult<void> Segment::seal() {
  if (sealed_) return {};
  // The time index always keeps one slot free for this entry (see TimeIndex::is_full).
  if (auto r = time_index_.maybe_append(max_timestamp_.timestamp, max_timestamp_.offset); !r) {
    return r;
  }
  if (auto r = offset_index_.file().trim(); !r) return r;
  if (auto r = time_index_.file().trim(); !r) return r;
  sealed_ = true;
  return {};
}

IoResult<void> Segment::unseal(uint32_t index_bytes) {
  if (auto r = offset_index_.file().preallocate(index_bytes); !r) return r;
  if (auto r = time_index_.file().preallocate(index_bytes); !r) return r;
  sealed_ = false;
  preallocated_bytes_ = index_bytes;
  return {};
}

IoResult<void> Segment::write_index_buffers() {
  if (auto r = offset_index_.file().write_pending(); !r) return r;
  return time_index_.file().write_pending();
}

IoResult<void> Segment::sync_files() const {
  // Paths may be renamed concurrently (under the owner's lock), so errors name the
  // segment by its immutable base offset instead.
  for (int fd : {log_.fd(), offset_index_.file().fd(), time_index_.file().fd()}) {
    if (::fdatasync(fd) != 0) {
      return unexpected(make_io_error("fdatasync", segment_file_name(base_, ""), errno));
    }
  }
  return {};
}

IoResult<void> Segment::flush() {
  if (auto r = write_index_buffers(); !r) return r;
  return sync_files();
}

IoResult<void> Segment::mark_deleted() {
  auto deleted_name = [](const std::filesystem::path& p) {
    std::filesystem::path out = p;
    out += kDeletedSuffix;
    return out;
  };
  std::filesystem::path log_path = log_.path();
  if (auto r = rename_file(log_path, deleted_name(log_path)); !r) return r;
  log_.set_path(deleted_name(log_path));
  for (IndexFile* index : {&offset_index_.file(), &time_index_.file()}) {
    if (auto r = index->rename(deleted_name(index->path())); !r) return r;
  }
  // Kafka's transaction index, if a Kafka broker left one, goes with its segment.
  std::filesystem::path txn = segment_path(dir_, base_, kTxnIndexSuffix);
  std::error_code ec;
  if (std::filesystem::exists(txn, ec)) (void)rename_file(txn, deleted_name(txn));
  return {};
}

void Segment::delete_files() {
  std::error_code ignored;
  std::filesystem::remove(log_.path(), ignored);
  std::filesystem::remove(offset_index_.file().path(), ignored);
  std::filesystem::remove(time_index_.file().path(), ignored);
  std::filesystem::path txn = segment_path(dir_, base_, kTxnIndexSuffix);
  txn += kDeletedSuffix;
  std::filesystem::remove(txn, ignored);
}

}  // namespace gregor::log
