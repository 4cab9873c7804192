// Feeds arbitrary bytes to every entry point of the records module that sees network or
// disk input: batch splitting, header and full validation, record and header iteration,
// each decompressor, legacy parsing and up-conversion, and the in-place rewrites. Any
// crash, sanitizer report, or allocation past -malloc_limit_mb is a bug.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gregor/records/batch_builder.h"
#include "gregor/records/legacy.h"
#include "gregor/records/record.h"
#include "gregor/records/record_batch.h"

namespace gregor::records {
namespace {

// Small enough that libFuzzer's malloc limit would catch a cap that is not honoured.
constexpr size_t kCap = 1 << 20;

// Walks every record and header; returns how many records were read.
int drain(RecordIterator it) {
  RecordView record;
  HeaderView header;
  int n = 0;
  for (;;) {
    auto more = it.next(&record);
    if (!more || !*more) return n;
    ++n;
    HeaderIterator headers = record.headers();
    while (headers.next(&header)) {
    }
  }
}

// A batch that validates must survive being rebuilt from its own records.
void rebuild(const RecordBatchView& batch, Decompressor& decompressor) {
  auto it = open_records(batch, decompressor, kCap);
  if (!it) __builtin_trap();
  BatchBuilder builder;
  RecordView record;
  int32_t count = 0;
  for (;;) {
    auto more = it->next(&record);
    if (!more) __builtin_trap();  // validate_batch accepted these records.
    if (!*more) break;
    std::vector<HeaderInput> headers;
    HeaderIterator hi = record.headers();
    HeaderView h;
    while (hi.next(&h))
      headers.push_back({h.key, h.value});
    RecordInput in;
    in.timestamp = batch.base_timestamp();
    in.key = record.key;
    in.value = record.value;
    in.headers = headers;
    builder.append(in);
    ++count;
  }
  std::vector<uint8_t> out;
  if (!builder.finish(out)) __builtin_trap();
  auto rebuilt = RecordBatchView::parse(out);
  Decompressor fresh;
  if (!rebuilt || !validate_batch(*rebuilt, fresh) || rebuilt->record_count() != count) {
    __builtin_trap();
  }
}

void fuzz_batches(std::span<const uint8_t> input, Decompressor& decompressor) {
  BatchReader reader(input);
  for (int i = 0; i < 64; ++i) {
    auto next = reader.next();
    if (!next || !next->has_value()) return;
    const RecordBatchView& batch = **next;
    (void)validate_header(batch);
    for (OffsetCheck mode : {OffsetCheck::kContiguous, OffsetCheck::kCompacted}) {
      ValidateOptions options;
      options.offsets = mode;
      options.max_uncompressed_bytes = kCap;
      auto summary = validate_batch(batch, decompressor, options);
      if (summary && mode == OffsetCheck::kContiguous) rebuild(batch, decompressor);
    }
    if (auto it = open_records(batch, decompressor, kCap)) drain(*it);
    // Rewrites keep a matching CRC matching. (A bad CRC may become good: set_log_append_time
    // recomputes it, which is why callers validate first.)
    std::vector<uint8_t> copy(batch.bytes().begin(), batch.bytes().end());
    const bool crc_was_valid = batch.crc_matches();
    set_base_offset(copy, Offset(123));
    set_partition_leader_epoch(copy, LeaderEpoch(4));
    set_log_append_time(copy, 99);
    if (crc_was_valid && !RecordBatchView::parse(copy)->crc_matches()) __builtin_trap();
  }
}

void fuzz_codecs(std::span<const uint8_t> input, Decompressor& decompressor) {
  if (input.empty()) return;
  auto codec = compression_from_id(input[0] & 7);
  if (!codec) return;
  (void)decompressor.decompress(*codec, input.subspan(1), kCap);
}

void fuzz_legacy(std::span<const uint8_t> input, Decompressor& decompressor) {
  LegacyParseOptions parse;
  parse.max_uncompressed_bytes = kCap;
  parse.max_messages = 10000;
  UpConvertOptions convert;
  convert.parse = parse;
  auto batch = up_convert_legacy(input, decompressor, convert);
  if (!batch) return;
  // Whatever up-conversion produces must be a valid v2 batch.
  auto view = RecordBatchView::parse(*batch);
  Decompressor fresh;
  if (!view || !validate_batch(*view, fresh)) __builtin_trap();
}

void fuzz_records(std::span<const uint8_t> input) {
  if (input.size() < 2) return;
  drain(RecordIterator(input.subspan(2), input[0] | (input[1] << 8)));
}

}  // namespace
}  // namespace gregor::records

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gregor::records;
  // Shared across inputs, as a connection's decompressor is shared across batches.
  static Decompressor decompressor;
  const std::span<const uint8_t> input(data, size);
  fuzz_batches(input, decompressor);
  fuzz_codecs(input, decompressor);
  fuzz_legacy(input, decompressor);
  fuzz_records(input);
  return 0;
}
