// ApiVersions (key 18): the versions of every API this broker serves, built from the
// handler table so that nothing is advertised without a handler.
#include "broker/handler_table.h"
#include "broker/handlers/handlers.h"

namespace gregor::broker {

void handle_ApiVersions(RequestContext& ctx, wire::ApiVersionsRequest&& request,
                        Reply<wire::ApiVersionsResponse> reply) {
  wire::ApiVersionsResponse response;
  for (const HandlerEntry& e : served_apis()) {
    response.api_keys.push_back({e.key, e.min_version, e.max_version});
  }
  // No finalized features: a ZooKeeper-mode cluster without KRaft features reports epoch -1,
  // and clients then use the classic transaction and group protocols.
  response.finalized_features_epoch = -1;
  reply(response);
}

}  // namespace gregor::broker
