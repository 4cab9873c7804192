// Standing watches on the znodes a controller (and a broker) follows. ZooKeeper's watches
// fire once and die with the session; these re-arm themselves after every event and re-read
// after every new session, and report the whole current value each time, so a consumer only
// ever sees states, never individual events. Reports come in the order of the reads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gregor/cluster/broker_znodes.h"
#include "gregor/cluster/cluster_error.h"
#include "gregor/cluster/generation.h"
#include "gregor/cluster/zk_client.h"
#include "gregor/common/result.h"

namespace gregor::cluster {

// Shared machinery: handlers, the session listener, and coalescing of reads so that at most
// one read is in flight and events during it cause exactly one more.
class StandingWatch {
 public:
  // `children`: also follow the znode's children (otherwise only its data and existence).
  StandingWatch(ZkClient& zk, std::string path, bool children);
  virtual ~StandingWatch();
  StandingWatch(const StandingWatch&) = delete;
  StandingWatch& operator=(const StandingWatch&) = delete;

  void start();
  // Reads again now (coalesced with any read in flight).
  void refresh();
  const std::string& path() const { return path_; }

 protected:
  // Issues the read, whose callbacks check `ticket` first; it must end in finish_read() or
  // absorb() unless the ticket was voided meanwhile.
  virtual void read(const Generation::Ticket& ticket) = 0;
  void finish_read();
  // Ends a read that failed: connection losses read again (the request waits for the
  // connection), an expiry waits for the new session. Returns true for other errors, which
  // the caller reports.
  bool absorb(ZkError error);
  ZkClient& zk_;

 private:
  std::string path_;
  bool children_;
  bool started_ = false;
  bool reading_ = false;
  bool reread_ = false;
  Generation generation_;  // Bumped when the session expires, voiding reads in flight.
  int listener_id_ = 0;
  std::vector<int> handler_ids_;
};

// The sorted children of a znode; a missing znode has none (and is watched for creation).
class ChildrenWatch : public StandingWatch {
 public:
  using Callback = std::function<void(Result<std::vector<std::string>, ClusterError>)>;
  ChildrenWatch(ZkClient& zk, std::string path, Callback on_change);

 private:
  void read(const Generation::Ticket& ticket) override;
  Callback on_change_;
};

struct ZnodeData {
  std::string data;
  ZkStat stat;
};

// The data and stat of a znode; nullopt while it does not exist.
class DataWatch : public StandingWatch {
 public:
  using Callback = std::function<void(Result<std::optional<ZnodeData>, ClusterError>)>;
  DataWatch(ZkClient& zk, std::string path, Callback on_change);

 private:
  void read(const Generation::Ticket& ticket) override;
  Callback on_change_;
};

struct LiveBroker {
  BrokerInfo info;
  int64_t epoch = -1;  // czxid of the registration znode.
};

// The live brokers: /brokers/ids and every registration in it (endpoint changes included).
// Registrations that cannot be decoded are logged and left out.
class LiveBrokersWatch {
 public:
  using Callback = std::function<void(const std::map<BrokerId, LiveBroker>&)>;
  LiveBrokersWatch(ZkClient& zk, Callback on_change);
  ~LiveBrokersWatch();
  LiveBrokersWatch(const LiveBrokersWatch&) = delete;
  LiveBrokersWatch& operator=(const LiveBrokersWatch&) = delete;

  void start();
  const std::map<BrokerId, LiveBroker>& brokers() const { return brokers_; }

 private:
  void on_ids(const std::vector<std::string>& children);
  void refresh();

  ZkClient& zk_;
  Callback on_change_;
  ChildrenWatch ids_;
  std::vector<BrokerId> current_ids_;
  std::map<BrokerId, int> handler_ids_;  // Data watches on each registration.
  std::map<BrokerId, LiveBroker> brokers_;
  Generation refreshes_;  // Each refresh voids the one before.
};

struct ConfigChange {
  int64_t sequence = 0;     // The notification's sequence number.
  std::string entity_path;  // "topics/orders", "brokers/1", "users/alice/clients/app1".
};

// Notifications under /config/changes newer than the last one reported, oldest first. The
// first report holds every notification present at start.
class ConfigChangeWatch {
 public:
  using Callback = std::function<void(const std::vector<ConfigChange>&)>;
  ConfigChangeWatch(ZkClient& zk, Callback on_change);
  ConfigChangeWatch(const ConfigChangeWatch&) = delete;
  ConfigChangeWatch& operator=(const ConfigChangeWatch&) = delete;

  void start() { children_.start(); }

 private:
  void on_children(const std::vector<std::string>& children);

  ZkClient& zk_;
  Callback on_change_;
  ChildrenWatch children_;
  int64_t last_reported_ = -1;
  Generation life_;  // Never bumped: it only voids answers that arrive after destruction.
};

}  // namespace gregor::cluster
