#include "gregor/cluster/topic_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <set>

#include "gregor/cluster/zk_paths.h"

namespace gregor::cluster {
namespace {

constexpr int kRaceRetries = 3;  // Re-reads after a concurrent change spoiled a transaction.

ClusterError error_of(ClusterErrc code, std::string message) {
  ClusterError error;
  error.code = code;
  error.message = std::move(message);
  return error;
}

ClusterError controller_moved() {
  return error_of(ClusterErrc::kControllerMoved,
                  "The controller epoch changed: this broker is no longer the controller.");
}

// The index of the op that failed a transaction (ops after it report RUNTIMEINCONSISTENCY).
std::optional<size_t> failed_op(const std::vector<ZkOpResult>& results) {
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].error != ZkError::kOk && results[i].error != ZkError::kRuntimeInconsistency) {
      return i;
    }
  }
  return std::nullopt;
}

std::vector<ZkOp> maybe_fenced(const std::optional<ControllerFence>& fence, std::vector<ZkOp> ops) {
  return fence ? fenced(*fence, std::move(ops)) : std::move(ops);
}

// Reads and decodes a znode into Out{value, zkVersion}; a missing znode is kUnknownTopic.
template <class Out, class Decode>
void read_versioned(ZkClient& zk, const std::string& path, std::string missing, Decode decode,
                    Done<Out> done) {
  zk.get(path, false,
         [path, missing = std::move(missing), decode, done = std::move(done)](
             ZkError error, const std::string& data, const ZkStat& stat) {
           if (error == ZkError::kNoNode) {
             return done(unexpected(error_of(ClusterErrc::kUnknownTopic, missing)));
           }
           if (error != ZkError::kOk) return done(unexpected(zk_failure(error, "reading " + path)));
           auto decoded = decode(data);
           if (!decoded) return done(unexpected(decoded.error()));
           done(Out{std::move(*decoded), stat.version});
         });
}

size_t depth(const std::string& path) {
  return static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}

}  // namespace

// ---- Creation ----

// One create_topic call, kept across its steps and retries.
struct TopicStore::Creation {
  NewTopic topic;
  int attempts_left;
  Done<void> done;

  void already_exists(std::string_view why) const {
    done(unexpected(error_of(ClusterErrc::kTopicAlreadyExists,
                             "Topic '" + topic.name + "' " + std::string(why))));
  }
};

void TopicStore::create_topic(NewTopic topic, Done<void> done) {
  check_and_create(
      std::make_shared<Creation>(Creation{std::move(topic), kRaceRetries, std::move(done)}));
}

// Kafka refuses to create a topic that is still marked for deletion; a config znode left over
// from an earlier topic of the same name decides between create and overwrite.
void TopicStore::check_and_create(const std::shared_ptr<Creation>& c) {
  const auto alive = life_.ticket();
  zk_.exists(paths::delete_topic(c->topic.name), false,
             [this, alive, c](ZkError error, const ZkStat&) {
               if (!alive.valid()) return;  // The store is gone.
               if (error == ZkError::kOk) return c->already_exists("is marked for deletion.");
               if (error != ZkError::kNoNode) {
                 return c->done(unexpected(zk_failure(error, "checking the deletion marker")));
               }
               const std::string config = paths::config_entity(paths::kTopicConfigs, c->topic.name);
               zk_.exists(config, false, [this, alive, c](ZkError error, const ZkStat&) {
                 if (!alive.valid()) return;
                 if (error != ZkError::kOk && error != ZkError::kNoNode) {
                   return c->done(unexpected(zk_failure(error, "checking the topic config")));
                 }
                 submit_creation(c, error == ZkError::kOk);
               });
             });
}

void TopicStore::submit_creation(const std::shared_ptr<Creation>& c, bool config_exists) {
  const NewTopic& t = c->topic;
  const std::string config_path = paths::config_entity(paths::kTopicConfigs, t.name);
  const std::string config = encode_entity_config(t.config);
  std::vector<ZkOp> ops;
  ops.push_back(config_exists ? ZkOp::set(config_path, config) : ZkOp::create(config_path, config));
  ops.push_back(
      ZkOp::create(paths::topic(t.name), encode_topic_assignment({t.id, t.assignment, {}, {}})));
  if (!t.initial_states.empty()) {
    ops.push_back(ZkOp::create(paths::topic_partitions(t.name), std::nullopt));
    for (const auto& [p, state] : t.initial_states) {
      ops.push_back(ZkOp::create(paths::partition(t.name, p), std::nullopt));
      ops.push_back(ZkOp::create(paths::partition_state(t.name, p), encode_partition_state(state)));
    }
  }
  const auto alive = life_.ticket();
  zk_.multi(maybe_fenced(t.fence, std::move(ops)),
            [this, alive, c](ZkError error, const std::vector<ZkOpResult>& results) {
              if (alive.valid()) finish_creation(c, error, results);
            });
}

void TopicStore::finish_creation(const std::shared_ptr<Creation>& c, ZkError error,
                                 const std::vector<ZkOpResult>& results) {
  const NewTopic& t = c->topic;
  if (error == ZkError::kOk) {
    spdlog::info("[TopicStore] Created topic {} (id {}) with {} partition(s)", t.name,
                 t.id.to_base64(), t.assignment.size());
    return c->done({});
  }
  if (t.fence && fence_failed(error, results)) return c->done(unexpected(controller_moved()));
  const size_t config_op = t.fence ? 1 : 0;  // The fencing check, if any, comes first.
  const auto failed = failed_op(results);
  if (failed == config_op + 1 && error == ZkError::kNodeExists) {
    return c->already_exists("already exists.");
  }
  if (c->attempts_left-- <= 0) {
    return c->done(unexpected(zk_failure(error, "creating topic " + t.name)));
  }
  if (failed == config_op) {
    check_and_create(c);  // The config znode appeared or vanished since we looked.
  } else if (error == ZkError::kConnectionLoss) {
    // Unknown whether it went through; the topic id tells ours from another's.
    const auto alive = life_.ticket();
    read_topic(t.name, [this, alive, c](Result<VersionedAssignment, ClusterError> existing) {
      if (!alive.valid()) return;
      if (!existing) return check_and_create(c);
      if (existing->assignment.topic_id == c->topic.id) return c->done({});
      c->already_exists("already exists.");
    });
  } else {
    c->done(unexpected(zk_failure(error, "creating topic " + t.name)));
  }
}

// ---- Assignments ----

void TopicStore::list_topics(Done<std::vector<std::string>> done) {
  zk_.get_children(std::string(paths::kTopics), false,
                   [done = std::move(done)](ZkError error, std::vector<std::string> names) {
                     if (error == ZkError::kNoNode) {
                       done(std::vector<std::string>{});
                     } else if (error != ZkError::kOk) {
                       done(unexpected(zk_failure(error, "listing topics")));
                     } else {
                       std::sort(names.begin(), names.end());
                       done(std::move(names));
                     }
                   });
}

void TopicStore::read_topic(const std::string& name, Done<VersionedAssignment> done) {
  read_versioned<VersionedAssignment>(zk_, paths::topic(name),
                                      "Topic '" + name + "' does not exist.",
                                      decode_topic_assignment, std::move(done));
}

void TopicStore::write_topic(const std::string& name, const TopicAssignment& assignment,
                             int32_t expected_version, std::optional<ControllerFence> fence,
                             Done<int32_t> done) {
  const size_t index = fence ? 1 : 0;
  zk_.multi(maybe_fenced(fence, {ZkOp::set(paths::topic(name), encode_topic_assignment(assignment),
                                           expected_version)}),
            [name, fence, index, done = std::move(done)](ZkError error,
                                                         const std::vector<ZkOpResult>& results) {
              if (error == ZkError::kOk) {
                done(results[index].stat.version);
              } else if (fence && fence_failed(error, results)) {
                done(unexpected(controller_moved()));
              } else {
                done(unexpected(zk_failure(error, "writing topic " + name)));
              }
            });
}

// ---- Partition states ----

void TopicStore::read_partition_state(const std::string& topic, PartitionId partition,
                                      Done<VersionedPartitionState> done) {
  const std::string path = paths::partition_state(topic, partition);
  read_versioned<VersionedPartitionState>(zk_, path, path + " does not exist.",
                                          decode_partition_state, std::move(done));
}

void TopicStore::create_partition_states(const std::string& topic,
                                         const std::map<PartitionId, PartitionState>& states,
                                         const ControllerFence& fence,
                                         Done<std::map<PartitionId, int32_t>> done) {
  const auto alive = life_.ticket();
  // Which parents exist already decides which creates the transaction needs.
  zk_.get_children(
      paths::topic_partitions(topic), false,
      [this, alive, topic, states, fence, done = std::move(done)](
          ZkError error, std::vector<std::string> existing) {
        if (!alive.valid()) return;  // The store is gone.
        if (error != ZkError::kOk && error != ZkError::kNoNode) {
          done(unexpected(zk_failure(error, "listing partitions of " + topic)));
          return;
        }
        const std::set<std::string> present(existing.begin(), existing.end());
        std::vector<ZkOp> ops;
        if (error == ZkError::kNoNode) {
          ops.push_back(ZkOp::create(paths::topic_partitions(topic), std::nullopt));
        }
        for (const auto& [p, state] : states) {
          if (!present.contains(std::to_string(p.value()))) {
            ops.push_back(ZkOp::create(paths::partition(topic, p), std::nullopt));
          }
          ops.push_back(
              ZkOp::create(paths::partition_state(topic, p), encode_partition_state(state)));
        }
        zk_.multi(fenced(fence, std::move(ops)),
                  [topic, states, done](ZkError error, const std::vector<ZkOpResult>& results) {
                    if (error == ZkError::kOk) {
                      std::map<PartitionId, int32_t> versions;
                      for (const auto& entry : states)
                        versions[entry.first] = 0;
                      done(std::move(versions));
                    } else if (fence_failed(error, results)) {
                      done(unexpected(controller_moved()));
                    } else {
                      done(unexpected(zk_failure(error, "creating partition states of " + topic)));
                    }
                  });
      });
}

void TopicStore::update_partition_state(const std::string& topic, PartitionId partition,
                                        const PartitionState& state, int32_t expected_zk_version,
                                        const ControllerFence& fence, Done<int32_t> done) {
  const std::string path = paths::partition_state(topic, partition);
  zk_.multi(fenced(fence, {ZkOp::set(path, encode_partition_state(state), expected_zk_version)}),
            [path, done = std::move(done)](ZkError error, const std::vector<ZkOpResult>& results) {
              if (error == ZkError::kOk) {
                done(results[1].stat.version);
              } else if (fence_failed(error, results)) {
                done(unexpected(controller_moved()));
              } else if (error == ZkError::kNoNode) {
                done(unexpected(error_of(ClusterErrc::kUnknownTopic, path + " does not exist.")));
              } else {
                done(unexpected(zk_failure(error, "updating " + path)));
              }
            });
}

// ---- Deletion ----

void TopicStore::mark_for_deletion(const std::string& topic, Done<void> done) {
  const auto alive = life_.ticket();
  zk_.exists(paths::topic(topic), false,
             [this, alive, topic, done = std::move(done)](ZkError error, const ZkStat&) {
               if (!alive.valid()) return;  // The store is gone.
               if (error == ZkError::kNoNode) {
                 done(unexpected(error_of(ClusterErrc::kUnknownTopic,
                                          "Topic '" + topic + "' does not exist.")));
                 return;
               }
               if (error != ZkError::kOk) {
                 done(unexpected(zk_failure(error, "checking topic " + topic)));
                 return;
               }
               const std::string marker = paths::delete_topic(topic);
               zk_.create(marker, std::nullopt, CreateMode::kPersistent,
                          [marker, done](ZkError error, const std::string&, const ZkStat&) {
                            // Marking twice is not an error: the controller is on it already.
                            if (error == ZkError::kOk || error == ZkError::kNodeExists) {
                              done({});
                            } else {
                              done(unexpected(zk_failure(error, "creating " + marker)));
                            }
                          });
             });
}

namespace {

// Lists znodes and everything below them; missing ones are skipped. Each pending request
// holds the walk alive.
struct SubtreeWalk : std::enable_shared_from_this<SubtreeWalk> {
  SubtreeWalk(ZkClient& zk, Done<std::vector<std::string>> done) : zk(zk), done(std::move(done)) {}

  void visit(const std::string& path) {
    ++pending;
    zk.get_children(
        path, false,
        [self = shared_from_this(), path](ZkError error, const std::vector<std::string>& kids) {
          self->visited(path, error, kids);
        });
  }

  void visited(const std::string& path, ZkError error, const std::vector<std::string>& kids) {
    if (error == ZkError::kOk) {
      found.push_back(path);
      for (const std::string& kid : kids)
        visit(paths::child(path, kid));
    } else if (error != ZkError::kNoNode && !failure) {
      failure = error;  // NONODE: deleted meanwhile, which is fine for a deletion.
    }
    if (--pending > 0) return;
    if (failure) {
      done(unexpected(zk_failure(*failure, "listing znodes to delete")));
    } else {
      done(std::move(found));
    }
  }

  ZkClient& zk;
  Done<std::vector<std::string>> done;
  size_t pending = 0;
  std::vector<std::string> found;
  std::optional<ZkError> failure;
};

}  // namespace

void TopicStore::collect_subtrees(const std::vector<std::string>& roots,
                                  Done<std::vector<std::string>> done) {
  auto walk = std::make_shared<SubtreeWalk>(zk_, std::move(done));
  for (const std::string& root : roots)
    walk->visit(root);
}

void TopicStore::delete_topic(const std::string& topic, const ControllerFence& fence,
                              Done<void> done) {
  const auto alive = life_.ticket();
  const std::vector<std::string> roots = {paths::topic(topic),
                                          paths::config_entity(paths::kTopicConfigs, topic),
                                          paths::delete_topic(topic)};
  collect_subtrees(roots, [this, alive, topic, fence, done = std::move(done)](
                              Result<std::vector<std::string>, ClusterError> found) {
    if (!alive.valid()) return;  // The store is gone.
    if (!found) return done(unexpected(found.error()));
    if (found->empty()) {
      return done(unexpected(
          error_of(ClusterErrc::kUnknownTopic, "Topic '" + topic + "' does not exist.")));
    }
    std::vector<std::string> doomed = std::move(*found);
    std::stable_sort(doomed.begin(), doomed.end(), [](const std::string& a, const std::string& b) {
      return depth(a) > depth(b);  // Children before their parents.
    });
    std::vector<ZkOp> ops;
    ops.reserve(doomed.size());
    for (const std::string& path : doomed)
      ops.push_back(ZkOp::remove(path));
    zk_.multi(fenced(fence, std::move(ops)),
              [topic, done](ZkError error, const std::vector<ZkOpResult>& results) {
                if (error == ZkError::kOk) {
                  spdlog::info("[TopicStore] Deleted the znodes of topic {}", topic);
                  done({});
                } else if (fence_failed(error, results)) {
                  done(unexpected(controller_moved()));
                } else {
                  // A znode appeared or vanished meanwhile; the controller tries again.
                  done(unexpected(zk_failure(error, "deleting topic " + topic)));
                }
              });
  });
}

// ---- Configuration ----

void TopicStore::write_entity_config(const std::string& type, const std::string& name,
                                     const EntityConfig& config, Done<void> done) {
  const auto alive = life_.ticket();
  const std::string path = paths::config_entity(type, name);
  zk_.exists(
      path, false,
      [this, alive, path, type, name, config, done = std::move(done)](ZkError error,
                                                                      const ZkStat&) {
        if (!alive.valid()) return;  // The store is gone.
        if (error != ZkError::kOk && error != ZkError::kNoNode) {
          done(unexpected(zk_failure(error, "checking " + path)));
          return;
        }
        const std::string data = encode_entity_config(config);
        std::vector<ZkOp> ops;
        ops.push_back(error == ZkError::kOk ? ZkOp::set(path, data) : ZkOp::create(path, data));
        ops.push_back(ZkOp::create(paths::config_change_sequence_prefix(),
                                   encode_config_change(type + "/" + name),
                                   CreateMode::kPersistentSequential));
        zk_.multi(std::move(ops), [path, done](ZkError error, const std::vector<ZkOpResult>&) {
          if (error == ZkError::kOk) {
            done({});
          } else {
            done(unexpected(zk_failure(error, "writing " + path)));
          }
        });
      });
}

void TopicStore::read_entity_config(const std::string& type, const std::string& name,
                                    Done<EntityConfig> done) {
  const std::string path = paths::config_entity(type, name);
  zk_.get(path, false,
          [path, done = std::move(done)](ZkError error, const std::string& data, const ZkStat&) {
            if (error == ZkError::kNoNode) {
              done(EntityConfig{});
            } else if (error != ZkError::kOk) {
              done(unexpected(zk_failure(error, "reading " + path)));
            } else {
              auto config = decode_entity_config(data);
              if (config) {
                done(std::move(*config));
              } else {
                done(unexpected(config.error()));
              }
            }
          });
}

}  // namespace gregor::cluster
