#include "gregor/cluster/zk_watchers.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "gregor/cluster/topic_znodes.h"
#include "gregor/cluster/zk_paths.h"
#include "json_fields.h"

namespace gregor::cluster {

// ---- StandingWatch ----

StandingWatch::StandingWatch(ZkClient& zk, std::string path, bool children)
    : zk_(zk), path_(std::move(path)), children_(children) {}

StandingWatch::~StandingWatch() {
  if (listener_id_ != 0) zk_.remove_session_listener(listener_id_);
  for (int id : handler_ids_)
    zk_.remove_watch_handler(id);
}

void StandingWatch::start() {
  if (started_) return;
  started_ = true;
  // The data handler also hears about creation, for a znode that was missing.
  handler_ids_.push_back(
      zk_.add_watch_handler(path_, ZkClient::WatchKind::kData, [this](WatchEvent) { refresh(); }));
  if (children_) {
    handler_ids_.push_back(zk_.add_watch_handler(path_, ZkClient::WatchKind::kChildren,
                                                 [this](WatchEvent) { refresh(); }));
  }
  listener_id_ = zk_.add_session_listener([this](SessionEvent event) {
    if (event == SessionEvent::kExpired) {
      generation_.bump();  // Reads of the old session are void; the new session reads afresh.
      reading_ = false;
      reread_ = false;
    } else if (event == SessionEvent::kNewSession) {
      refresh();
    }
  });
  refresh();
}

void StandingWatch::refresh() {
  if (!started_) return;
  if (reading_) {
    reread_ = true;
    return;
  }
  reading_ = true;
  read(generation_.ticket());
}

void StandingWatch::finish_read() {
  reading_ = false;
  if (reread_) {
    reread_ = false;
    refresh();
  }
}

bool StandingWatch::absorb(ZkError error) {
  reading_ = false;
  if (error == ZkError::kConnectionLoss || error == ZkError::kOperationTimeout) {
    refresh();
    return false;
  }
  if (error == ZkError::kSessionExpired || error == ZkError::kClosing) return false;
  if (reread_) {
    reread_ = false;
    refresh();
  }
  return true;
}

// ---- ChildrenWatch and DataWatch ----

ChildrenWatch::ChildrenWatch(ZkClient& zk, std::string path, Callback on_change)
    : StandingWatch(zk, std::move(path), true), on_change_(std::move(on_change)) {}

void ChildrenWatch::read(const Generation::Ticket& ticket) {
  zk_.get_children(path(), true, [this, ticket](ZkError error, std::vector<std::string> children) {
    if (!ticket.valid()) return;
    if (error == ZkError::kOk) {
      std::sort(children.begin(), children.end());
      finish_read();  // Before reporting: the callback may destroy this watch.
      on_change_(std::move(children));
    } else if (error == ZkError::kNoNode) {
      // Watch for its creation instead; get_children sets no watch on a missing znode.
      zk_.exists(path(), true, [this, ticket](ZkError error, const ZkStat&) {
        if (!ticket.valid()) return;
        if (error == ZkError::kOk) {
          finish_read();
          refresh();  // Created meanwhile.
        } else if (error == ZkError::kNoNode) {
          finish_read();
          on_change_(std::vector<std::string>{});
        } else if (absorb(error)) {
          on_change_(unexpected(zk_failure(error, "watching " + path())));
        }
      });
    } else if (absorb(error)) {
      on_change_(unexpected(zk_failure(error, "listing " + path())));
    }
  });
}

DataWatch::DataWatch(ZkClient& zk, std::string path, Callback on_change)
    : StandingWatch(zk, std::move(path), false), on_change_(std::move(on_change)) {}

void DataWatch::read(const Generation::Ticket& ticket) {
  // exists() watches in both cases (get() would not on a missing znode).
  zk_.exists(path(), true, [this, ticket](ZkError error, const ZkStat&) {
    if (!ticket.valid()) return;
    if (error == ZkError::kNoNode) {
      finish_read();
      on_change_(std::optional<ZnodeData>{});
      return;
    }
    if (error != ZkError::kOk) {
      if (absorb(error)) on_change_(unexpected(zk_failure(error, "watching " + path())));
      return;
    }
    zk_.get(path(), false,
            [this, ticket](ZkError error, const std::string& data, const ZkStat& stat) {
              if (!ticket.valid()) return;
              if (error == ZkError::kOk) {
                finish_read();
                on_change_(std::optional<ZnodeData>(ZnodeData{data, stat}));
              } else if (error == ZkError::kNoNode) {
                finish_read();
                refresh();  // Deleted between the two reads; the watch has fired too.
              } else if (absorb(error)) {
                on_change_(unexpected(zk_failure(error, "reading " + path())));
              }
            });
  });
}

// ---- LiveBrokersWatch ----

LiveBrokersWatch::LiveBrokersWatch(ZkClient& zk, Callback on_change)
    : zk_(zk),
      on_change_(std::move(on_change)),
      ids_(zk, std::string(paths::kBrokerIds), [this](auto children) {
        if (children) {
          on_ids(*children);
        } else {
          spdlog::error("[LiveBrokersWatch] {}", children.error().message);
        }
      }) {}

LiveBrokersWatch::~LiveBrokersWatch() {
  for (const auto& [id, handler] : handler_ids_)
    zk_.remove_watch_handler(handler);
}

void LiveBrokersWatch::start() {
  ids_.start();
}

void LiveBrokersWatch::on_ids(const std::vector<std::string>& children) {
  std::vector<BrokerId> ids;
  for (const std::string& child : children) {
    auto id = json::parse_decimal(child);
    if (!id || *id < 0 || *id > INT32_MAX) {
      spdlog::warn("[LiveBrokersWatch] Ignoring /brokers/ids/{}: not a broker id", child);
      continue;
    }
    ids.emplace_back(static_cast<int32_t>(*id));
  }
  // Follow each registration's data too: a broker may re-register with new endpoints.
  for (auto it = handler_ids_.begin(); it != handler_ids_.end();) {
    if (std::find(ids.begin(), ids.end(), it->first) == ids.end()) {
      zk_.remove_watch_handler(it->second);
      it = handler_ids_.erase(it);
    } else {
      ++it;
    }
  }
  for (BrokerId id : ids) {
    if (handler_ids_.contains(id)) continue;
    handler_ids_[id] = zk_.add_watch_handler(paths::broker(id), ZkClient::WatchKind::kData,
                                             [this](WatchEvent event) {
                                               if (event == WatchEvent::kDataChanged) refresh();
                                             });
  }
  current_ids_ = std::move(ids);
  refresh();
}

void LiveBrokersWatch::refresh() {
  refreshes_.bump();
  const Generation::Ticket ticket = refreshes_.ticket();
  if (current_ids_.empty()) {
    brokers_.clear();
    on_change_(brokers_);
    return;
  }
  struct Round {
    size_t pending;
    std::map<BrokerId, LiveBroker> brokers;
    bool again = false;  // A read was lost with the connection.
    bool void_ = false;  // The session expired; the new session's listing starts over.
  };
  auto round = std::make_shared<Round>(Round{current_ids_.size(), {}, false, false});
  for (BrokerId id : current_ids_) {
    zk_.get(paths::broker(id), true,
            [this, ticket, round, id](ZkError error, const std::string& data, const ZkStat& stat) {
              if (!ticket.valid()) return;
              if (error == ZkError::kOk) {
                auto info = decode_broker_info(id, data);
                if (info) {
                  round->brokers[id] = LiveBroker{std::move(*info), stat.czxid};
                } else {
                  spdlog::warn("[LiveBrokersWatch] Ignoring broker {}: {}", id.value(),
                               info.error().message);
                }
              } else if (error == ZkError::kConnectionLoss || error == ZkError::kOperationTimeout) {
                round->again = true;
              } else if (error != ZkError::kNoNode) {
                round->void_ = true;  // Gone (NONODE) brokers are simply not live.
              }
              if (--round->pending > 0) return;
              if (round->again) {
                refresh();
              } else if (!round->void_) {
                brokers_ = std::move(round->brokers);
                on_change_(brokers_);
              }
            });
  }
}

// ---- ConfigChangeWatch ----

ConfigChangeWatch::ConfigChangeWatch(ZkClient& zk, Callback on_change)
    : zk_(zk),
      on_change_(std::move(on_change)),
      children_(zk, std::string(paths::kConfigChanges), [this](auto children) {
        if (children) {
          on_children(*children);
        } else {
          spdlog::error("[ConfigChangeWatch] {}", children.error().message);
        }
      }) {}

void ConfigChangeWatch::on_children(const std::vector<std::string>& children) {
  std::vector<std::pair<int64_t, std::string>> fresh;
  for (const std::string& child : children) {
    if (!child.starts_with(paths::kConfigChangePrefix)) continue;
    auto sequence = json::parse_decimal(child.substr(paths::kConfigChangePrefix.size()));
    if (sequence && *sequence > last_reported_) fresh.emplace_back(*sequence, child);
  }
  if (fresh.empty()) return;
  std::sort(fresh.begin(), fresh.end());
  struct Batch {
    size_t pending;
    std::vector<std::optional<ConfigChange>> changes;
    bool failed = false;
  };
  auto batch = std::make_shared<Batch>(Batch{fresh.size(), {}, false});
  batch->changes.resize(fresh.size());
  const Generation::Ticket ticket = life_.ticket();
  for (size_t i = 0; i < fresh.size(); ++i) {
    const int64_t sequence = fresh[i].first;
    const std::string path = paths::child(paths::kConfigChanges, fresh[i].second);
    zk_.get(path, false,
            [this, ticket, batch, i, sequence, path](ZkError error, const std::string& data,
                                                     const ZkStat&) {
              if (!ticket.valid()) return;
              if (error == ZkError::kOk) {
                auto entity = decode_config_change(data);
                if (entity) {
                  batch->changes[i] = ConfigChange{sequence, std::move(*entity)};
                } else {
                  spdlog::warn("[ConfigChangeWatch] Ignoring {}: {}", path, entity.error().message);
                }
              } else if (error != ZkError::kNoNode) {
                batch->failed = true;  // Purged notifications (NONODE) are skipped.
              }
              if (--batch->pending > 0) return;
              if (batch->failed) {
                children_.refresh();  // Read the list again rather than skip a notification.
                return;
              }
              // Batches overlap when the list changed while one was being read: report each
              // notification once, in sequence order.
              std::vector<ConfigChange> report;
              for (auto& change : batch->changes) {
                if (change && change->sequence > last_reported_)
                  report.push_back(std::move(*change));
              }
              if (report.empty()) return;
              last_reported_ = report.back().sequence;
              on_change_(report);
            });
  }
}

}  // namespace gregor::cluster
