// Metadata (key 3): the live brokers reachable on the listener the request came in on, the
// cluster id, the controller, and the requested topics with their partitions' leaders.
#include "broker/authorized_operations.h"
#include "broker/broker.h"
#include "broker/cluster_view.h"
#include "broker/handlers/handlers.h"
#include "broker/topic_name.h"
#include "gregor/common/error_code.h"

namespace gregor::broker {
namespace {

using Response = wire::MetadataResponse;

int16_t code(ErrorCode e) {
  return static_cast<int16_t>(e);
}

std::vector<int32_t> ids(const std::vector<BrokerId>& brokers) {
  std::vector<int32_t> out;
  out.reserve(brokers.size());
  for (BrokerId b : brokers)
    out.push_back(b.value());
  return out;
}

Response::MetadataResponseTopic describe_topic(const cluster::TopicMetadata& topic,
                                               const cluster::MetadataSnapshot& snapshot,
                                               bool with_operations) {
  Response::MetadataResponseTopic out;
  out.name = topic.name;
  out.topic_id = topic.id;
  out.is_internal = topic.name == "__consumer_offsets" || topic.name == "__transaction_state";
  for (const auto& [partition, p] : topic.partitions) {
    Response::MetadataResponsePartition mp;
    mp.partition_index = partition.value();
    mp.leader_id = p.leader.value();
    mp.leader_epoch = p.leader_epoch.value();
    mp.replica_nodes = ids(p.replicas);
    mp.isr_nodes = ids(p.isr);
    mp.offline_replicas = ids(p.offline_replicas);
    // A partition whose leader is not live is LEADER_NOT_AVAILABLE, as Kafka reports it.
    if (snapshot.broker(p.leader) == nullptr) {
      mp.error_code = code(ErrorCode::kLeaderNotAvailable);
      mp.leader_id = -1;
    }
    out.partitions.push_back(std::move(mp));
  }
  if (with_operations) out.topic_authorized_operations = kTopicOperations;
  return out;
}

Response::MetadataResponseTopic error_topic(std::optional<std::string> name, wire::Uuid id,
                                            ErrorCode error) {
  Response::MetadataResponseTopic out;
  out.name = std::move(name);
  out.topic_id = id;
  out.error_code = code(error);
  return out;
}

}  // namespace

void handle_Metadata(RequestContext& ctx, wire::MetadataRequest&& request,
                     Reply<wire::MetadataResponse> reply) {
  const auto snapshot = ctx.broker->metadata().snapshot();
  const int16_t version = reply.version();
  Response response;

  for (const cluster::BrokerMetadata* b : snapshot->brokers_with_listener(ctx.listener)) {
    const cluster::BrokerEndpoint* ep = b->endpoint(ctx.listener);
    response.brokers.push_back({b->id.value(), ep->host, ep->port, b->rack});
  }
  response.cluster_id = snapshot->cluster_id();
  response.controller_id = live_controller_id(*snapshot);
  if (request.include_cluster_authorized_operations) {
    response.cluster_authorized_operations = kClusterOperations;
  }
  const bool with_ops = request.include_topic_authorized_operations;

  // A null topic list (v1+) or an empty one in v0 asks for every topic.
  const bool all_topics = !request.topics.has_value() || (version == 0 && request.topics->empty());
  if (all_topics) {
    for (const auto& [name, topic] : snapshot->topics()) {
      response.topics.push_back(describe_topic(*topic, *snapshot, with_ops));
    }
    reply(response);
    return;
  }
  for (const auto& requested : *request.topics) {
    if (!requested.name.has_value()) {
      // v12 lookup by topic id.
      const cluster::TopicMetadata* topic = snapshot->topic(requested.topic_id);
      response.topics.push_back(
          topic ? describe_topic(*topic, *snapshot, with_ops)
                : error_topic(std::nullopt, requested.topic_id, ErrorCode::kUnknownTopicId));
      continue;
    }
    const std::string& name = *requested.name;
    if (const cluster::TopicMetadata* topic = snapshot->topic(name)) {
      response.topics.push_back(describe_topic(*topic, *snapshot, with_ops));
    } else if (!topic_name_problem(name).empty()) {
      response.topics.push_back(error_topic(name, {}, ErrorCode::kInvalidTopicException));
    } else {
      response.topics.push_back(error_topic(name, {}, ErrorCode::kUnknownTopicOrPartition));
    }
  }
  reply(response);
}

}  // namespace gregor::broker
