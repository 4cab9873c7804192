// CreateTopics (key 19): validates each topic, places its replicas on the live brokers and
// writes config, assignment and partition states to ZooKeeper in one transaction. Only the
// controller serves it, as in Kafka's ZooKeeper mode; the others answer NOT_CONTROLLER and the
// admin client retries against the controller. The answer waits until ZooKeeper has
// confirmed every write; the topic watch then brings the topics into every broker's cache.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <set>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/topic_creation.h"
#include "gregor/cluster/controller_election.h"
#include "gregor/cluster/topic_store.h"
#include "gregor/config/topic_config.h"

namespace gregor::broker {
namespace {

using TopicResult = wire::CreateTopicsResponse::CreatableTopicResult;

// The response being assembled while the creations are under way; it answers when the last
// one has finished.
struct PendingCreation {
  Reply<wire::CreateTopicsResponse> reply;
  wire::CreateTopicsResponse response;
  size_t outstanding = 0;

  void finish_one() {
    if (--outstanding == 0) reply(response);
  }
};

void set_error(TopicResult& result, ErrorCode code, std::string message) {
  result.error_code = static_cast<int16_t>(code);
  result.error_message = std::move(message);
}

// v5+ reports what the topic was created with; Kafka fills the configs as DescribeConfigs
// would for the new topic.
void describe_created(TopicResult& result, const PlannedTopic& plan,
                      const config::BrokerConfig& c) {
  result.num_partitions = plan.partitions;
  result.replication_factor = plan.replication_factor;
  std::vector<wire::CreateTopicsResponse::CreatableTopicConfigs> configs;
  for (const auto& entry : config::describe_topic(c, plan.overrides, config::DescribeOptions{})) {
    configs.push_back({entry.name, entry.value, entry.read_only, static_cast<int8_t>(entry.source),
                       entry.sensitive});
  }
  result.configs = std::move(configs);
}

// Names that appear more than once; Kafka rejects every entry of such a name.
std::set<std::string> duplicated_names(const wire::CreateTopicsRequest& request) {
  std::set<std::string> seen;
  std::set<std::string> duplicated;
  for (const auto& t : request.topics) {
    if (!seen.insert(t.name).second) duplicated.insert(t.name);
  }
  return duplicated;
}

}  // namespace

void handle_CreateTopics(RequestContext& ctx, wire::CreateTopicsRequest&& request,
                         Reply<wire::CreateTopicsResponse> reply) {
  Broker& broker = *ctx.broker;
  auto pending = std::make_shared<PendingCreation>(PendingCreation{std::move(reply), {}, 1});
  const cluster::ControllerFence* fence = broker.controller_fence();
  const auto snapshot = broker.metadata().snapshot();
  const auto duplicated = duplicated_names(request);

  std::set<std::string> answered;
  for (const auto& topic : request.topics) {
    // A duplicated name is answered once, as Kafka's response map holds one entry per name.
    if (duplicated.contains(topic.name) && !answered.insert(topic.name).second) continue;
    TopicResult result;
    result.name = topic.name;
    result.error_message = std::nullopt;
    const size_t index = pending->response.topics.size();
    pending->response.topics.push_back(result);
    TopicResult& out = pending->response.topics.back();
    if (fence == nullptr || broker.topics() == nullptr) {
      // Kafka answers this one without a message.
      out.error_code = static_cast<int16_t>(ErrorCode::kNotController);
      continue;
    }
    if (duplicated.contains(topic.name)) {
      set_error(out, ErrorCode::kInvalidRequest,
                fmt::format("Create topics request from client `{}` contains multiple entries "
                            "for the following topics: {}",
                            ctx.client_id.value_or(""), fmt::join(duplicated, ",")));
      continue;
    }
    auto plan = plan_topic(topic, broker.config(), *snapshot);
    if (!plan) {
      set_error(out, plan.error().code, plan.error().message);
      continue;
    }
    describe_created(out, *plan, broker.config());
    if (request.validate_only) continue;

    cluster::NewTopic created;
    created.name = topic.name;
    created.id = wire::Uuid::random();
    created.assignment = plan->assignment;
    created.config = cluster::EntityConfig(plan->overrides.begin(), plan->overrides.end());
    created.initial_states = initial_partition_states(plan->assignment, *snapshot, fence->epoch);
    created.fence = *fence;
    out.topic_id = created.id;
    ++pending->outstanding;
    broker.topics()->create_topic(
        std::move(created), [pending, index](const Result<void, cluster::ClusterError>& done) {
          if (!done) {
            TopicResult& r = pending->response.topics[index];
            set_error(r, cluster::to_error_code(done.error()), done.error().message);
            r.topic_id = {};
            r.num_partitions = -1;
            r.replication_factor = -1;
            r.configs = std::vector<wire::CreateTopicsResponse::CreatableTopicConfigs>{};
          }
          pending->finish_one();
        });
  }
  pending->finish_one();
}

}  // namespace gregor::broker
