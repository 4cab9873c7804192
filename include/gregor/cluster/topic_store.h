// Topic znodes: creation, assignment and partition state reads and writes, configuration,
// and deletion. The controller logic and the admin handlers build on these; every write a
// controller makes can carry its ControllerFence so that a deposed controller's writes fail
// with kControllerMoved.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gregor/cluster/cluster_error.h"
#include "gregor/cluster/controller_election.h"
#include "gregor/cluster/generation.h"
#include "gregor/cluster/topic_znodes.h"
#include "gregor/cluster/zk_client.h"
#include "gregor/common/result.h"

namespace gregor::cluster {

struct NewTopic {
  std::string name;  // Already validated (legal characters, length, collisions).
  wire::Uuid id;
  ReplicaMap assignment;
  EntityConfig config;  // Topic-level overrides only; written even when empty, as Kafka does.
  // Leader, ISR and epochs of each partition. When given they are created in the same
  // transaction; when empty the state znodes are left to the controller, which is how
  // Kafka's own admin path (and a Kafka controller watching /brokers/topics) works.
  std::map<PartitionId, PartitionState> initial_states;
  std::optional<ControllerFence> fence;  // Required with initial_states from a controller.
};

// A partition state with the zkVersion of its znode (Kafka's partition epoch).
struct VersionedPartitionState {
  PartitionState state;
  int32_t zk_version = 0;
};

struct VersionedAssignment {
  TopicAssignment assignment;
  int32_t zk_version = 0;
};

template <class T>
using Done = std::function<void(Result<T, ClusterError>)>;

class TopicStore {
 public:
  explicit TopicStore(ZkClient& zk) : zk_(zk) {}

  // Creates the config znode, the assignment znode and (optionally) the partition state
  // znodes in one transaction: either the whole topic exists afterwards or nothing of it does.
  // kTopicAlreadyExists when the topic exists or is marked for deletion; a leftover config
  // znode of an earlier topic of that name is overwritten.
  void create_topic(NewTopic topic, Done<void> done);

  void list_topics(Done<std::vector<std::string>> done);
  // kUnknownTopic when absent.
  void read_topic(const std::string& name, Done<VersionedAssignment> done);
  // Rewrites an assignment (new partitions, reassignment) if its zkVersion is still
  // `expected_version`; kZooKeeper/BADVERSION otherwise. Returns the new version.
  void write_topic(const std::string& name, const TopicAssignment& assignment,
                   int32_t expected_version, std::optional<ControllerFence> fence,
                   Done<int32_t> done);

  void read_partition_state(const std::string& topic, PartitionId partition,
                            Done<VersionedPartitionState> done);
  // Creates the state znodes (and their parents) of partitions that have none yet, as the
  // controller does for a topic an admin tool created. Returns each new zkVersion (0).
  void create_partition_states(const std::string& topic,
                               const std::map<PartitionId, PartitionState>& states,
                               const ControllerFence& fence,
                               Done<std::map<PartitionId, int32_t>> done);
  // A conditional update: only if the znode is still at `expected_zk_version`. Returns the
  // new zkVersion, which is the new partition epoch.
  void update_partition_state(const std::string& topic, PartitionId partition,
                              const PartitionState& state, int32_t expected_zk_version,
                              const ControllerFence& fence, Done<int32_t> done);

  // Creates /admin/delete_topics/<topic>, which asks the controller to delete the topic.
  void mark_for_deletion(const std::string& topic, Done<void> done);
  // Deletes the topic's znodes, its config and its deletion marker in one transaction.
  void delete_topic(const std::string& topic, const ControllerFence& fence, Done<void> done);

  // Writes /config/<type>/<name> (created if needed) and a change notification under
  // /config/changes in one transaction. `name` must already be sanitized (Kafka URL-encodes
  // user and client names).
  void write_entity_config(const std::string& type, const std::string& name,
                           const EntityConfig& config, Done<void> done);
  // An absent config reads as empty.
  void read_entity_config(const std::string& type, const std::string& name,
                          Done<EntityConfig> done);

 private:
  struct Creation;
  void check_and_create(const std::shared_ptr<Creation>& creation);
  void submit_creation(const std::shared_ptr<Creation>& creation, bool config_exists);
  void finish_creation(const std::shared_ptr<Creation>& creation, ZkError error,
                       const std::vector<ZkOpResult>& results);
  void collect_subtrees(const std::vector<std::string>& roots, Done<std::vector<std::string>> done);

  ZkClient& zk_;
  Generation life_;  // Never bumped: voids answers that arrive after the store is gone.
};

}  // namespace gregor::cluster
