// A ZooKeeper session driven by a libuv loop.
//
// The single-threaded C client does no I/O of its own: zookeeper_interest() says which socket
// and events it waits for and until when, and zookeeper_process() does the work. ZkClient
// feeds it from a uv_poll_t on that socket and a uv_timer_t, so every completion, watch and
// session callback runs on the loop thread, inside the loop's callbacks. The client is not
// thread-safe: call it from the loop thread only.
//
// Sessions. start() connects; when `connect` names a chroot ("h1:2181,h2:2181/kafka") the
// chroot is first created through a short root session, as Kafka does, and all paths are then
// relative to it. When ZooKeeper cannot be reached the client keeps retrying and logs how long
// it has been waiting (host names are resolved, blocking, each time a handle is created).
// When the session expires the client opens a new one by itself; the listeners hear kExpired
// and then kNewSession, and must re-create what the old session owned (ephemeral znodes,
// watches).
//
// Requests. Every operation completes exactly once through its callback, with an error value
// (ZkError::kOk on success), never by exception. A request made while no session is connected
// waits until one is (and fails with kSessionExpired if the session it was made in expires, or
// kClosing if the client is closed). A request in flight when the connection drops fails with
// kConnectionLoss: it may or may not have been applied, and the caller decides whether to retry.
// Callbacks may make new requests, and may close() the client, but must not destroy it.
#pragma once

#include <uv.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gregor/cluster/zk_error.h"
#include "gregor/common/result.h"

// The C client's handle (zhandle_t), kept opaque here; the name is the C client's own.
struct _zhandle;  // NOLINT(bugprone-reserved-identifier)

namespace gregor::cluster {

// The metadata ZooKeeper keeps with a znode (the C client's struct Stat).
struct ZkStat {
  int64_t czxid = 0;  // Creation transaction id: Kafka's broker epoch for /brokers/ids/N.
  int64_t mzxid = 0;
  int64_t ctime_ms = 0;
  int64_t mtime_ms = 0;
  int32_t version = 0;  // Data version: what conditional set/delete compare against.
  int32_t cversion = 0;
  int32_t aversion = 0;
  int64_t ephemeral_owner = 0;  // Session id of the owner of an ephemeral znode, else 0.
  int32_t data_length = 0;
  int32_t num_children = 0;
  int64_t pzxid = 0;
};

// Passed as a version to set/remove/check to skip the version comparison.
inline constexpr int32_t kAnyVersion = -1;

enum class CreateMode : uint8_t {
  kPersistent,
  kEphemeral,
  kPersistentSequential,  // ZooKeeper appends a 10-digit counter to the name.
  kEphemeralSequential,
};

enum class SessionEvent : uint8_t {
  kNewSession,    // A session was established (first connect, or after an expiry).
  kReconnected,   // The connection came back within the same session; watches were kept.
  kDisconnected,  // The connection was lost; the session may still be alive on the server.
  kExpired,       // The session is gone, with its ephemeral znodes and watches.
};

enum class WatchEvent : uint8_t { kCreated, kDeleted, kDataChanged, kChildrenChanged };

// A session's identity, enough to attach a second handle to it.
struct ZkSessionId {
  int64_t id = 0;
  std::array<char, 16> password{};
};

// One operation of a multi() transaction.
struct ZkOp {
  enum class Type : uint8_t { kCreate, kDelete, kSet, kCheck };
  Type type = Type::kCheck;
  std::string path;
  std::optional<std::string> data;  // nullopt: the znode has no data ("null" in zkCli).
  int32_t version = kAnyVersion;
  CreateMode mode = CreateMode::kPersistent;

  static ZkOp create(std::string path, std::optional<std::string> data,
                     CreateMode mode = CreateMode::kPersistent);
  static ZkOp remove(std::string path, int32_t version = kAnyVersion);
  static ZkOp set(std::string path, std::string data, int32_t version = kAnyVersion);
  // Fails the transaction with kBadVersion unless `path` has this version (kNoNode if absent).
  static ZkOp check(std::string path, int32_t version);
};

struct ZkOpResult {
  ZkError error = ZkError::kOk;
  std::string created_path;  // For kCreate: the name given, including any sequence suffix.
  ZkStat stat;               // For kSet: the znode's new stat.
};

struct ZkClientOptions {
  // "host:port[,host:port...][/chroot]", as Kafka's zookeeper.connect.
  std::string connect;
  std::chrono::milliseconds session_timeout{18000};
  // Wait before creating a new handle after the C client refused to create one.
  std::chrono::milliseconds retry_backoff{1000};
  // Attach to this existing session instead of creating one. Closing a second handle on a
  // session ends the session for both, which is how tests force an expiry.
  std::optional<ZkSessionId> resume_session;
};

struct ZkConnectString {
  std::string hosts;   // "h1:2181,h2:2181"
  std::string chroot;  // "/kafka", or empty for the root.
};

// Splits and checks a zookeeper.connect value. The chroot, if any, must be an absolute path
// without a trailing slash or empty segments; "h:2181/" means no chroot.
Result<ZkConnectString, std::string> parse_zk_connect(std::string_view connect);

using DoneCallback = std::function<void(ZkError)>;
using DataCallback = std::function<void(ZkError, std::string data, const ZkStat&)>;
using StatCallback = std::function<void(ZkError, const ZkStat&)>;
using ChildrenCallback = std::function<void(ZkError, std::vector<std::string> children)>;
// The stat is the new znode's (its czxid is Kafka's broker epoch for a registration).
using CreateCallback = std::function<void(ZkError, std::string created_path, const ZkStat&)>;
using MultiCallback = std::function<void(ZkError, std::vector<ZkOpResult>)>;
using SessionListener = std::function<void(SessionEvent)>;
using WatchHandler = std::function<void(WatchEvent)>;

class ZkClient {
 public:
  ZkClient(uv_loop_t* loop, ZkClientOptions options);
  // Ends the session if still open. Callbacks of requests still pending are dropped, not run,
  // because their owners are usually being destroyed too.
  ~ZkClient();
  ZkClient(const ZkClient&) = delete;
  ZkClient& operator=(const ZkClient&) = delete;

  // Starts connecting. Returns an error only for a malformed `connect` string.
  Result<void, std::string> start();

  // Ends the session now (the server deletes its ephemeral znodes at once rather than after
  // the timeout). Waiting and in-flight requests fail with kClosing; later ones too.
  void close();

  bool connected() const { return connected_; }
  // The connected session, or nullopt while none is.
  std::optional<ZkSessionId> session() const;
  const ZkClientOptions& options() const { return options_; }
  uv_loop_t* loop() const { return loop_; }

  // Session listeners run in registration order. The id removes the listener again.
  int add_session_listener(SessionListener listener);
  void remove_session_listener(int id);

  // Handlers for the watches that get/exists (kData) and get_children (kChildren) set with
  // watch=true. A path may have several handlers; each hears every event of its kind. A
  // watch fires once, so a handler usually re-reads with watch=true. Handlers survive
  // sessions, server-side watches do not. The id removes the handler again.
  enum class WatchKind : uint8_t { kData, kChildren };
  int add_watch_handler(const std::string& path, WatchKind kind, WatchHandler handler);
  void remove_watch_handler(int id);

  void get(const std::string& path, bool watch, DataCallback done);
  void get_children(const std::string& path, bool watch, ChildrenCallback done);
  // kOk with the stat when the znode exists, kNoNode when not; with watch=true either way
  // the handler hears about the next change (creation included).
  void exists(const std::string& path, bool watch, StatCallback done);
  void create(const std::string& path, std::optional<std::string> data, CreateMode mode,
              CreateCallback done);
  void set(const std::string& path, std::string data, int32_t version, StatCallback done);
  void remove(const std::string& path, int32_t version, DoneCallback done);
  // All or nothing. The error is the first failing op's; `results` says which op that was.
  void multi(std::vector<ZkOp> ops, MultiCallback done);

  // The base of the request objects handed to the C client (defined in zk_request.h).
  class Request;

 private:
  struct Impl;

  void enqueue(std::unique_ptr<Request> request);
  void issue(std::unique_ptr<Request> request);
  void fail_later(std::unique_ptr<Request> request, ZkError error);
  void fail_waiting(ZkError error);

  void open_handle();
  void close_handle();
  void reopen_later();
  void create_chroot(size_t from);
  void on_session_state(int state);
  void on_watch(int type, const char* path);
  void notify(SessionEvent event);

  void drive(int events);
  void after_callbacks();
  void update_interest();
  void set_poll(int fd, int events);
  void on_watchdog();

  static void watcher_trampoline(struct _zhandle* zh, int type, int state, const char* path,
                                 void* context);

  uv_loop_t* loop_;
  ZkClientOptions options_;
  ZkConnectString connect_;
  std::unique_ptr<Impl> impl_;  // libuv handles and the deferred-failure queue.
  struct _zhandle* zh_ = nullptr;

  bool started_ = false;
  bool closed_ = false;
  bool connected_ = false;
  bool bootstrapping_ = false;  // zh_ is the root session that creates the chroot.
  bool chroot_ready_ = false;
  bool replace_pending_ = false;  // Open a new handle once out of the C client's call stack.
  bool reopen_pending_ = false;   // The same, after a back-off.
  bool close_pending_ = false;    // close() was called from inside a C client call.
  bool resume_used_ = false;
  bool dropping_callbacks_ = false;
  int depth_ = 0;  // Nesting of calls into the C client that may run callbacks.
  int64_t session_id_ = 0;
  int64_t waiting_since_ms_ = 0;

  std::vector<std::unique_ptr<Request>> waiting_;
  std::vector<std::pair<int, SessionListener>> listeners_;
  int next_listener_id_ = 1;
  struct WatchEntry {
    int id;
    WatchKind kind;
    WatchHandler handler;
  };
  std::multimap<std::string, WatchEntry> watch_handlers_;
  int next_handler_id_ = 1;
};

// Makes sure each path and all its parents exist (persistent, no data), as Kafka's
// makeSurePersistentPathExists does. Existing znodes are fine. `done` gets the first error.
void ensure_paths(ZkClient& zk, const std::vector<std::string>& paths,
                  std::function<void(ZkError)> done);

}  // namespace gregor::cluster
