// Names of the files in a partition directory, exactly as Kafka spells them:
// "<base offset, 20 digits, zero padded><suffix>", e.g. 00000000000000001234.timeindex.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "gregor/common/strong_id.h"

namespace gregor::log {

inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";
inline constexpr std::string_view kTxnIndexSuffix = ".txnindex";
inline constexpr std::string_view kDeletedSuffix = ".deleted";
inline constexpr std::string_view kCleanedSuffix = ".cleaned";
inline constexpr std::string_view kSwapSuffix = ".swap";
inline constexpr std::string_view kTmpSuffix = ".tmp";
inline constexpr std::string_view kCleanShutdownFile = ".kafka_cleanshutdown";

// "<20-digit offset><suffix>".
std::string segment_file_name(Offset base, std::string_view suffix);
std::filesystem::path segment_path(const std::filesystem::path& dir, Offset base,
                                   std::string_view suffix);

// Parses "<20 digits><suffix>" and returns the offset, or std::nullopt if `name` has any
// other shape.
std::optional<Offset> parse_segment_file_name(std::string_view name, std::string_view suffix);

}  // namespace gregor::log
