// The dispatch table: one entry per served Kafka API, keyed by API key.
//
// ApiVersions is answered from this table, so an API is advertised exactly when it has a
// handler. Entries are added in handler_table.cc, one line per API.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "broker/request.h"
#include "gregor/wire/codec.h"

namespace gregor::broker {

using DispatchFn = void (*)(RequestContext& ctx, wire::Reader& body,
                            std::shared_ptr<Completion> done);

struct HandlerEntry {
  int16_t key = -1;
  int16_t min_version = 0;
  int16_t max_version = -1;
  DispatchFn dispatch = nullptr;
};

// The handler of an API key, or nullptr when the broker does not serve it.
const HandlerEntry* find_handler(int16_t key);

// Every served API, sorted by key.
std::span<const HandlerEntry> served_apis();

// Decodes Api's request and calls Fn with it. A body that does not decode is a broken
// client or an attack; Kafka closes the connection, and so do we.
template <class Api,
          void (*Fn)(RequestContext&, typename Api::Request&&, Reply<typename Api::Response>)>
void dispatch(RequestContext& ctx, wire::Reader& body, std::shared_ptr<Completion> done) {
  typename Api::Request request;
  request.decode(body, ctx.version);
  if (!body.ok()) {
    done->close_connection(std::string("malformed ") + std::string(ctx.api->name) + " v" +
                           std::to_string(ctx.version) + " request: " + body.error());
    return;
  }
  Fn(ctx, std::move(request), Reply<typename Api::Response>(ctx, std::move(done)));
}

// Builds a table entry for Api served at its full schema range.
template <class Api,
          void (*Fn)(RequestContext&, typename Api::Request&&, Reply<typename Api::Response>)>
constexpr HandlerEntry serve() {
  return HandlerEntry{Api::kKey, Api::kMinVersion, Api::kMaxVersion, &dispatch<Api, Fn>};
}

}  // namespace gregor::broker
