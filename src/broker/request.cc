#include "broker/request.h"

namespace gregor::broker {

void write_response_header(wire::Writer& w, const RequestContext& ctx) {
  w.write_int32(ctx.correlation_id);
  if (ctx.api->response_header_version(ctx.version) >= 1) w.write_uvarint(0);  // no tags
}

}  // namespace gregor::broker
