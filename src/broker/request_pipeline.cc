#include "broker/request_pipeline.h"

#include <fmt/format.h>

#include <memory>

#include "broker/handler_table.h"
#include "broker/request.h"
#include "gregor/common/error_code.h"
#include "gregor/net/connection.h"
#include "gregor/net/request_slot.h"
#include "gregor/obs/logging.h"
#include "gregor/wire/gen/api_versions.h"
#include "gregor/wire/gen/headers.h"

namespace gregor::broker {
namespace {

constexpr int16_t kApiVersionsKey = wire::ApiVersionsApi::kKey;

const obs::Logger& log() {
  static const obs::Logger l = obs::logger("kafka.network.RequestChannel");
  return l;
}

std::string describe_peer(const net::ConnectionInfo& info) {
  return fmt::format("{}:{} ({})", info.peer_ip, info.peer_port, info.listener_name);
}

// Converts a Writer's output (bytes with file slices interleaved) into network chunks.
net::Response to_response(wire::Writer&& w) {
  net::Response out;
  auto& buf = w.buffer();
  size_t from = 0;
  for (const auto& mark : w.files()) {
    if (mark.position > from) {
      out.append(std::vector<uint8_t>(buf.begin() + static_cast<std::ptrdiff_t>(from),
                                      buf.begin() + static_cast<std::ptrdiff_t>(mark.position)));
    }
    out.append(net::FileRange{mark.slice.fd, mark.slice.offset,
                              static_cast<size_t>(mark.slice.length), mark.slice.keep_alive});
    from = mark.position;
  }
  if (from == 0) {
    out.append(std::move(buf));
  } else if (from < buf.size()) {
    out.append(std::vector<uint8_t>(buf.begin() + static_cast<std::ptrdiff_t>(from), buf.end()));
  }
  return out;
}

// Finishes a network slot from a handler's reply. It also owns the request frame, because
// decoded records are views into it and must stay valid until the handler is done.
class SlotCompletion final : public Completion {
 public:
  // The peer is kept as the connection's facts and formatted only if the request fails, so
  // that answering a request formats no strings.
  SlotCompletion(net::RequestSlot slot, net::Frame frame, const net::ConnectionInfo& peer,
                 RequestMetrics& metrics, const wire::ApiDescriptor& api)
      : slot_(std::move(slot)),
        frame_(std::move(frame)),
        peer_(peer),
        metrics_(metrics),
        api_(api) {}

  void send(wire::Writer&& frame) override {
    metrics_.on_complete(api_, started_);
    slot_.respond(to_response(std::move(frame)));
  }
  void no_response() override {
    metrics_.on_complete(api_, started_);
    slot_.finish_without_response();
  }
  void close_connection(std::string_view why) override {
    log().warn("Closing connection from {}: {}", describe_peer(peer_), why);
    slot_.close_connection();
  }
  const net::Frame& frame() const { return frame_; }

 private:
  net::RequestSlot slot_;
  net::Frame frame_;
  net::ConnectionInfo peer_;
  RequestMetrics& metrics_;
  const wire::ApiDescriptor& api_;
  RequestMetrics::Clock::time_point started_ = RequestMetrics::Clock::now();
};

// KIP-511: an ApiVersions request of a version we don't know is answered in the v0 layout
// with UNSUPPORTED_VERSION and our ApiVersions range.
void reject_api_versions(const HandlerEntry& entry, int32_t correlation_id,
                         net::RequestSlot& slot) {
  wire::Writer w;
  w.write_int32(correlation_id);
  wire::ApiVersionsResponse response;
  response.error_code = static_cast<int16_t>(ErrorCode::kUnsupportedVersion);
  response.api_keys.push_back({entry.key, entry.min_version, entry.max_version});
  response.encode(w, 0);
  slot.respond(to_response(std::move(w)));
}

}  // namespace

void RequestPipeline::on_frame(net::Connection& connection, net::RequestSlot slot,
                               net::Frame frame) {
  wire::Reader peek(frame.bytes());
  const int16_t key = peek.read_int16();
  const int16_t version = peek.read_int16();
  const int32_t correlation_id = peek.read_int32();
  if (!peek.ok()) {
    log().warn("Closing connection from {}: request of {} bytes is too short for a header",
               describe_peer(connection.info()), frame.size());
    slot.close_connection();
    return;
  }
  const HandlerEntry* entry = find_handler(key);
  const wire::ApiDescriptor* api = wire::find_api(key);
  if (entry == nullptr || api == nullptr) {
    log().warn("Closing connection from {}: unknown or unserved API key {}",
               describe_peer(connection.info()), key);
    slot.close_connection();
    return;
  }
  if (version < entry->min_version || version > entry->max_version) {
    if (key == kApiVersionsKey) {
      reject_api_versions(*entry, correlation_id, slot);
      return;
    }
    log().warn("Closing connection from {}: {} version {} is not supported (range {}-{})",
               describe_peer(connection.info()), api->name, version, entry->min_version,
               entry->max_version);
    slot.close_connection();
    return;
  }

  metrics_.on_request(*api, version);
  auto done = std::make_shared<SlotCompletion>(std::move(slot), std::move(frame), connection.info(),
                                               metrics_, *api);
  wire::Reader reader(done->frame().bytes());
  wire::RequestHeader header;
  header.decode(reader, api->request_header_version(version));
  if (!reader.ok()) {
    done->close_connection(
        fmt::format("malformed {} v{} request header: {}", api->name, version, reader.error()));
    return;
  }
  RequestContext ctx;
  ctx.api = api;
  ctx.version = version;
  ctx.correlation_id = correlation_id;
  ctx.client_id = std::move(header.client_id);
  ctx.listener = connection.info().listener_name;
  ctx.broker = broker_;
  entry->dispatch(ctx, reader, std::move(done));
}

void RequestPipeline::on_connection_closed(const net::Connection& connection) {}

}  // namespace gregor::broker
