#include "gregor/log/log_config.h"

namespace gregor::log {

std::optional<TopicCompression> TopicCompression::parse(std::string_view name) {
  using records::Compression;
  if (name == "producer") return producer();
  if (name == "uncompressed") return of(Compression::kNone);
  if (name == "gzip") return of(Compression::kGzip);
  if (name == "snappy") return of(Compression::kSnappy);
  if (name == "lz4") return of(Compression::kLz4);
  if (name == "zstd") return of(Compression::kZstd);
  return std::nullopt;
}

}  // namespace gregor::log
