// Walking the record batches stored in a segment file.
//
// Two scanners: HeaderScanner reads only each batch's fixed header (what reads, lookups
// and a clean start need), through a small read-ahead buffer; FullBatchScanner reads
// whole batches so that recovery can check their CRCs. Neither trusts a length from the
// file: a batch is only returned if it fits inside the scanned range.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "file.h"
#include "gregor/common/strong_id.h"
#include "gregor/records/record_batch.h"

namespace gregor::log {

// The header fields of a v2 batch, decoded from its first 61 bytes. records'
// RecordBatchView needs the whole batch in memory, which a scan over a file avoids.
struct BatchHeader {
  Offset base_offset;
  int32_t batch_length = 0;
  LeaderEpoch leader_epoch;
  int8_t magic = 0;
  uint16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t max_timestamp = records::kNoTimestamp;
  int32_t record_count = 0;

  uint64_t size() const { return records::kLogOverhead + static_cast<uint32_t>(batch_length); }
  Offset last_offset() const { return Offset(base_offset.value() + last_offset_delta); }
  Offset next_offset() const { return Offset(last_offset().value() + 1); }
};

// Decodes the header at the start of `bytes`; std::nullopt if fewer than 61 bytes, the
// magic is not 2, batchLength is below the header size or lastOffsetDelta is negative.
std::optional<BatchHeader> decode_batch_header(std::span<const uint8_t> bytes);

struct ScannedHeader {
  uint64_t position = 0;
  BatchHeader header;
};

class HeaderScanner {
 public:
  // Scans [start, end) of `file`. The file must outlive the scanner.
  HeaderScanner(const File& file, uint64_t start, uint64_t end);

  // The next batch, or std::nullopt at the end of the range, at a partial batch or at
  // bytes that are not a batch header (corrupt() then tells which).
  IoResult<std::optional<ScannedHeader>> next();
  // Calls fn(const ScannedHeader&) for each batch until fn returns false or the range
  // ends; fails only if reading the file fails.
  template <class Fn>
  IoResult<void> for_each(Fn&& fn) {
    for (;;) {
      auto header = next();
      if (!header) return unexpected(header.error());
      if (!*header || !fn(**header)) return {};
    }
  }

  // True if the scan stopped at something other than the exact end of the range.
  bool stopped_early() const { return stopped_early_; }
  uint64_t position() const { return position_; }

 private:
  const File& file_;
  uint64_t position_;
  uint64_t end_;
  std::vector<uint8_t> buffer_;
  uint64_t buffer_start_ = 0;
  size_t buffer_len_ = 0;
  bool stopped_early_ = false;
};

struct ScannedBatch {
  uint64_t position = 0;
  // Valid until the next call to next().
  records::RecordBatchView batch;
};

class FullBatchScanner {
 public:
  FullBatchScanner(const File& file, uint64_t start, uint64_t end);

  // The next complete batch whose framing (length, magic) is sound, std::nullopt at the
  // end. A framing error or a partial batch is reported as the records error; position()
  // is then where the valid prefix ends.
  Result<std::optional<ScannedBatch>, records::RecordsError> next();
  uint64_t position() const { return position_; }
  // Set when the underlying read failed (as opposed to the bytes being bad).
  const std::optional<IoError>& io_error() const { return io_error_; }

 private:
  bool refill(size_t need);

  const File& file_;
  uint64_t position_;
  uint64_t end_;
  std::vector<uint8_t> buffer_;
  uint64_t buffer_start_ = 0;
  size_t buffer_len_ = 0;
  std::optional<IoError> io_error_;
};

}  // namespace gregor::log
