#include "broker/handler_table.h"

#include <algorithm>
#include <array>

#include "broker/handlers/handlers.h"

namespace gregor::broker {
namespace {

// One line per served API. An API appears here only when its handler does the real work;
// ApiVersions advertises exactly this list.
constexpr HandlerEntry kTable[] = {
    serve<wire::MetadataApi, handle_Metadata>(),
    serve<wire::ApiVersionsApi, handle_ApiVersions>(),
    serve<wire::CreateTopicsApi, handle_CreateTopics>(),
    serve<wire::DescribeClusterApi, handle_DescribeCluster>(),
};

}  // namespace

const HandlerEntry* find_handler(int16_t key) {
  for (const auto& e : kTable) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

std::span<const HandlerEntry> served_apis() {
  return kTable;
}

}  // namespace gregor::broker
