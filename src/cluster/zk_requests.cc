// ZkClient's requests: one small class per C client call, which keeps the arguments and the
// caller's callback alive until the completion runs.
#include <zookeeper/zookeeper.h>

#include <charconv>
#include <memory>
#include <utility>

#include "gregor/cluster/zk_client.h"
#include "zk_request.h"

namespace gregor::cluster {

ZkStat to_zk_stat(const struct Stat* stat) {
  ZkStat out;
  if (stat == nullptr) return out;
  out.czxid = stat->czxid;
  out.mzxid = stat->mzxid;
  out.ctime_ms = stat->ctime;
  out.mtime_ms = stat->mtime;
  out.version = stat->version;
  out.cversion = stat->cversion;
  out.aversion = stat->aversion;
  out.ephemeral_owner = stat->ephemeralOwner;
  out.data_length = stat->dataLength;
  out.num_children = stat->numChildren;
  out.pzxid = stat->pzxid;
  return out;
}

namespace {

// Longest path a sequential create can report back: ZooKeeper appends 10 digits.
constexpr size_t kPathBufferSize = 1024;

int create_flags(CreateMode mode) {
  switch (mode) {
    case CreateMode::kPersistent:
      return ZOO_PERSISTENT;
    case CreateMode::kEphemeral:
      return ZOO_EPHEMERAL;
    case CreateMode::kPersistentSequential:
      return ZOO_PERSISTENT_SEQUENTIAL;
    case CreateMode::kEphemeralSequential:
      return ZOO_EPHEMERAL_SEQUENTIAL;
  }
  return ZOO_PERSISTENT;
}

// ZooKeeper tells "no data" (null) from empty data; the C client takes null as (NULL, -1).
const char* data_ptr(const std::optional<std::string>& data) {
  return data ? data->data() : nullptr;
}
int data_len(const std::optional<std::string>& data) {
  return data ? static_cast<int>(data->size()) : -1;
}

template <class Self>
std::unique_ptr<Self> take(const void* data) {
  return std::unique_ptr<Self>(static_cast<Self*>(const_cast<void*>(data)));
}

class GetRequest final : public ZkClient::Request {
 public:
  GetRequest(ZkClient* owner, std::string path, bool watch, DataCallback done)
      : Request(owner), path_(std::move(path)), watch_(watch), done_(std::move(done)) {}
  int issue(zhandle_t* zh) override {
    return zoo_aget(zh, path_.c_str(), watch_ ? 1 : 0, &GetRequest::complete, this);
  }
  void fail(ZkError error) override { done_(error, {}, {}); }

 private:
  static void complete(int rc, const char* value, int len, const struct Stat* stat,
                       const void* data) {
    auto self = take<GetRequest>(data);
    if (!self->deliver()) return;
    std::string bytes;
    if (rc == ZOK && value != nullptr && len > 0) bytes.assign(value, static_cast<size_t>(len));
    self->done_(static_cast<ZkError>(rc), std::move(bytes), to_zk_stat(rc == ZOK ? stat : nullptr));
  }
  std::string path_;
  bool watch_;
  DataCallback done_;
};

class ChildrenRequest final : public ZkClient::Request {
 public:
  ChildrenRequest(ZkClient* owner, std::string path, bool watch, ChildrenCallback done)
      : Request(owner), path_(std::move(path)), watch_(watch), done_(std::move(done)) {}
  int issue(zhandle_t* zh) override {
    return zoo_aget_children(zh, path_.c_str(), watch_ ? 1 : 0, &ChildrenRequest::complete, this);
  }
  void fail(ZkError error) override { done_(error, {}); }

 private:
  static void complete(int rc, const struct String_vector* strings, const void* data) {
    auto self = take<ChildrenRequest>(data);
    if (!self->deliver()) return;
    std::vector<std::string> children;
    if (rc == ZOK && strings != nullptr && strings->count > 0) {
      children.reserve(static_cast<size_t>(strings->count));
      for (int32_t i = 0; i < strings->count; ++i)
        children.emplace_back(strings->data[i]);
    }
    self->done_(static_cast<ZkError>(rc), std::move(children));
  }
  std::string path_;
  bool watch_;
  ChildrenCallback done_;
};

class ExistsRequest final : public ZkClient::Request {
 public:
  ExistsRequest(ZkClient* owner, std::string path, bool watch, StatCallback done)
      : Request(owner), path_(std::move(path)), watch_(watch), done_(std::move(done)) {}
  int issue(zhandle_t* zh) override {
    return zoo_aexists(zh, path_.c_str(), watch_ ? 1 : 0, &ExistsRequest::complete, this);
  }
  void fail(ZkError error) override { done_(error, {}); }

 private:
  static void complete(int rc, const struct Stat* stat, const void* data) {
    auto self = take<ExistsRequest>(data);
    if (self->deliver())
      self->done_(static_cast<ZkError>(rc), to_zk_stat(rc == ZOK ? stat : nullptr));
  }
  std::string path_;
  bool watch_;
  StatCallback done_;
};

class CreateRequest final : public ZkClient::Request {
 public:
  CreateRequest(ZkClient* owner, std::string path, std::optional<std::string> data, CreateMode mode,
                CreateCallback done)
      : Request(owner),
        path_(std::move(path)),
        data_(std::move(data)),
        mode_(mode),
        done_(std::move(done)) {}
  int issue(zhandle_t* zh) override {
    return zoo_acreate2(zh, path_.c_str(), data_ptr(data_), data_len(data_), &ZOO_OPEN_ACL_UNSAFE,
                        create_flags(mode_), &CreateRequest::complete, this);
  }
  void fail(ZkError error) override { done_(error, {}, {}); }

 private:
  static void complete(int rc, const char* created, const struct Stat* stat, const void* data) {
    auto self = take<CreateRequest>(data);
    if (!self->deliver()) return;
    self->done_(static_cast<ZkError>(rc), rc == ZOK && created != nullptr ? created : "",
                to_zk_stat(rc == ZOK ? stat : nullptr));
  }
  std::string path_;
  std::optional<std::string> data_;
  CreateMode mode_;
  CreateCallback done_;
};

class SetRequest final : public ZkClient::Request {
 public:
  SetRequest(ZkClient* owner, std::string path, std::string data, int32_t version,
             StatCallback done)
      : Request(owner),
        path_(std::move(path)),
        data_(std::move(data)),
        version_(version),
        done_(std::move(done)) {}
  int issue(zhandle_t* zh) override {
    return zoo_aset(zh, path_.c_str(), data_.data(), static_cast<int>(data_.size()), version_,
                    &SetRequest::complete, this);
  }
  void fail(ZkError error) override { done_(error, {}); }

 private:
  static void complete(int rc, const struct Stat* stat, const void* data) {
    auto self = take<SetRequest>(data);
    if (self->deliver())
      self->done_(static_cast<ZkError>(rc), to_zk_stat(rc == ZOK ? stat : nullptr));
  }
  std::string path_;
  std::string data_;
  int32_t version_;
  StatCallback done_;
};

class RemoveRequest final : public ZkClient::Request {
 public:
  RemoveRequest(ZkClient* owner, std::string path, int32_t version, DoneCallback done)
      : Request(owner), path_(std::move(path)), version_(version), done_(std::move(done)) {}
  int issue(zhandle_t* zh) override {
    return zoo_adelete(zh, path_.c_str(), version_, &RemoveRequest::complete, this);
  }
  void fail(ZkError error) override { done_(error); }

 private:
  static void complete(int rc, const void* data) {
    auto self = take<RemoveRequest>(data);
    if (self->deliver()) self->done_(static_cast<ZkError>(rc));
  }
  std::string path_;
  int32_t version_;
  DoneCallback done_;
};

// The C client writes each op's outcome into `results_`, created paths into `paths_` and
// stats into `stats_` when the reply arrives, so all three live as long as the request.
class MultiRequest final : public ZkClient::Request {
 public:
  MultiRequest(ZkClient* owner, std::vector<ZkOp> ops, MultiCallback done)
      : Request(owner), ops_(std::move(ops)), done_(std::move(done)) {}
  int issue(zhandle_t* zh) override {
    const size_t n = ops_.size();
    c_ops_.assign(n, zoo_op_t{});
    results_.assign(n, zoo_op_result_t{});
    stats_.assign(n, Stat{});
    paths_.assign(n, std::string());
    for (size_t i = 0; i < n; ++i) {
      const ZkOp& op = ops_[i];
      switch (op.type) {
        case ZkOp::Type::kCreate:
          paths_[i].assign(kPathBufferSize, '\0');
          zoo_create_op_init(&c_ops_[i], op.path.c_str(), data_ptr(op.data), data_len(op.data),
                             &ZOO_OPEN_ACL_UNSAFE, create_flags(op.mode), paths_[i].data(),
                             static_cast<int>(paths_[i].size()));
          break;
        case ZkOp::Type::kDelete:
          zoo_delete_op_init(&c_ops_[i], op.path.c_str(), op.version);
          break;
        case ZkOp::Type::kSet:
          zoo_set_op_init(&c_ops_[i], op.path.c_str(), data_ptr(op.data), data_len(op.data),
                          op.version, &stats_[i]);
          break;
        case ZkOp::Type::kCheck:
          zoo_check_op_init(&c_ops_[i], op.path.c_str(), op.version);
          break;
      }
    }
    return zoo_amulti(zh, static_cast<int>(n), c_ops_.data(), results_.data(),
                      &MultiRequest::complete, this);
  }
  void fail(ZkError error) override { done_(error, {}); }

 private:
  static void complete(int rc, const void* data) {
    auto self = take<MultiRequest>(data);
    if (!self->deliver()) return;
    std::vector<ZkOpResult> results(self->ops_.size());
    // After a connection loss the C client may not have filled the per-op results.
    if (rc == ZOK || rc < ZAPIERROR) {
      for (size_t i = 0; i < results.size(); ++i) {
        results[i].error = static_cast<ZkError>(self->results_[i].err);
        if (self->ops_[i].type == ZkOp::Type::kCreate && results[i].error == ZkError::kOk) {
          results[i].created_path = self->paths_[i].c_str();
        }
        if (self->ops_[i].type == ZkOp::Type::kSet) results[i].stat = to_zk_stat(&self->stats_[i]);
      }
    }
    self->done_(static_cast<ZkError>(rc), std::move(results));
  }
  std::vector<ZkOp> ops_;
  MultiCallback done_;
  std::vector<zoo_op_t> c_ops_;
  std::vector<zoo_op_result_t> results_;
  std::vector<Stat> stats_;
  std::vector<std::string> paths_;
};

}  // namespace

void ZkClient::get(const std::string& path, bool watch, DataCallback done) {
  enqueue(std::make_unique<GetRequest>(this, path, watch, std::move(done)));
}

void ZkClient::get_children(const std::string& path, bool watch, ChildrenCallback done) {
  enqueue(std::make_unique<ChildrenRequest>(this, path, watch, std::move(done)));
}

void ZkClient::exists(const std::string& path, bool watch, StatCallback done) {
  enqueue(std::make_unique<ExistsRequest>(this, path, watch, std::move(done)));
}

void ZkClient::create(const std::string& path, std::optional<std::string> data, CreateMode mode,
                      CreateCallback done) {
  enqueue(std::make_unique<CreateRequest>(this, path, std::move(data), mode, std::move(done)));
}

void ZkClient::set(const std::string& path, std::string data, int32_t version, StatCallback done) {
  enqueue(std::make_unique<SetRequest>(this, path, std::move(data), version, std::move(done)));
}

void ZkClient::remove(const std::string& path, int32_t version, DoneCallback done) {
  enqueue(std::make_unique<RemoveRequest>(this, path, version, std::move(done)));
}

void ZkClient::multi(std::vector<ZkOp> ops, MultiCallback done) {
  if (ops.empty()) {
    // Nothing to do; still answer from the loop, like every other request.
    class Empty final : public Request {
     public:
      Empty(ZkClient* owner, MultiCallback done) : Request(owner), done_(std::move(done)) {}
      int issue(zhandle_t*) override { return ZOK; }
      void fail(ZkError error) override { done_(error, {}); }

     private:
      MultiCallback done_;
    };
    fail_later(std::make_unique<Empty>(this, std::move(done)), ZkError::kOk);
    return;
  }
  enqueue(std::make_unique<MultiRequest>(this, std::move(ops), std::move(done)));
}

void ensure_paths(ZkClient& zk, const std::vector<std::string>& paths,
                  std::function<void(ZkError)> done) {
  // A session executes its requests in order, so every parent is created before its child
  // without waiting for the answers one by one.
  std::vector<std::string> creates;
  for (const std::string& path : paths) {
    for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      creates.push_back(slash == std::string::npos ? path : path.substr(0, slash));
      if (slash == std::string::npos) break;
    }
  }
  struct State {
    size_t pending;
    ZkError first_error = ZkError::kOk;
    std::function<void(ZkError)> done;
  };
  auto state = std::make_shared<State>(State{creates.size(), ZkError::kOk, std::move(done)});
  if (creates.empty()) {
    state->done(ZkError::kOk);
    return;
  }
  for (const std::string& path : creates) {
    zk.create(path, std::nullopt, CreateMode::kPersistent,
              [state](ZkError error, const std::string&, const ZkStat&) {
                if (error != ZkError::kOk && error != ZkError::kNodeExists &&
                    state->first_error == ZkError::kOk) {
                  state->first_error = error;
                }
                if (--state->pending == 0) state->done(state->first_error);
              });
  }
}

// ---- Ops and connect strings ----

ZkOp ZkOp::create(std::string path, std::optional<std::string> data, CreateMode mode) {
  ZkOp op;
  op.type = Type::kCreate;
  op.path = std::move(path);
  op.data = std::move(data);
  op.mode = mode;
  return op;
}

ZkOp ZkOp::remove(std::string path, int32_t version) {
  ZkOp op;
  op.type = Type::kDelete;
  op.path = std::move(path);
  op.version = version;
  return op;
}

ZkOp ZkOp::set(std::string path, std::string data, int32_t version) {
  ZkOp op;
  op.type = Type::kSet;
  op.path = std::move(path);
  op.data = std::move(data);
  op.version = version;
  return op;
}

ZkOp ZkOp::check(std::string path, int32_t version) {
  ZkOp op;
  op.type = Type::kCheck;
  op.path = std::move(path);
  op.version = version;
  return op;
}

Result<ZkConnectString, std::string> parse_zk_connect(std::string_view connect) {
  const size_t slash = connect.find('/');
  ZkConnectString out;
  out.hosts = std::string(connect.substr(0, slash));
  if (slash != std::string_view::npos) out.chroot = std::string(connect.substr(slash));
  if (out.hosts.empty()) return unexpected(std::string("zookeeper.connect names no server"));
  // Each server must be host:port with a numeric port; the C client would otherwise fail
  // later with a less helpful message.
  size_t start = 0;
  while (start <= out.hosts.size()) {
    const size_t comma = std::min(out.hosts.find(',', start), out.hosts.size());
    std::string_view server(out.hosts.data() + start, comma - start);
    const size_t colon = server.rfind(':');
    int port = 0;
    const char* port_end = server.data() + server.size();
    if (server.empty() || colon == std::string_view::npos || colon == 0 ||
        std::from_chars(server.data() + colon + 1, port_end, port).ptr != port_end || port <= 0 ||
        port > 65535) {
      return unexpected("zookeeper.connect: '" + std::string(server) + "' is not host:port");
    }
    start = comma + 1;
  }
  if (out.chroot == "/") out.chroot.clear();
  if (!out.chroot.empty() &&
      (out.chroot.back() == '/' || out.chroot.find("//") != std::string::npos)) {
    return unexpected("zookeeper.connect: bad chroot path '" + out.chroot + "'");
  }
  return out;
}

}  // namespace gregor::cluster
