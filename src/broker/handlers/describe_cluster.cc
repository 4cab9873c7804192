// DescribeCluster (key 60): the cluster id, the controller and the live brokers on the
// listener the request came in on. Only broker endpoints exist in ZooKeeper mode.
#include "broker/authorized_operations.h"
#include "broker/broker.h"
#include "broker/cluster_view.h"
#include "broker/handlers/handlers.h"
#include "gregor/common/error_code.h"

namespace gregor::broker {
namespace {

constexpr int8_t kBrokerEndpoints = 1;

}  // namespace

void handle_DescribeCluster(RequestContext& ctx, wire::DescribeClusterRequest&& request,
                            Reply<wire::DescribeClusterResponse> reply) {
  wire::DescribeClusterResponse response;
  response.endpoint_type = request.endpoint_type;
  if (request.endpoint_type != kBrokerEndpoints) {
    response.error_code = static_cast<int16_t>(ErrorCode::kUnsupportedEndpointType);
    response.error_message = "The broker only handles broker endpoints (endpoint type 1)";
    reply(response);
    return;
  }
  const auto snapshot = ctx.broker->metadata().snapshot();
  response.cluster_id = snapshot->cluster_id();
  response.controller_id = live_controller_id(*snapshot);
  for (const cluster::BrokerMetadata* b : snapshot->brokers_with_listener(ctx.listener)) {
    const cluster::BrokerEndpoint* ep = b->endpoint(ctx.listener);
    response.brokers.push_back({b->id.value(), ep->host, ep->port, b->rack});
  }
  if (request.include_cluster_authorized_operations) {
    response.cluster_authorized_operations = kClusterOperations;
  }
  reply(response);
}

}  // namespace gregor::broker
