// ZkClient's session handling and its glue to the libuv loop. The requests themselves are in
// zk_requests.cc.
#include "gregor/cluster/zk_client.h"

#include <spdlog/spdlog.h>
#include <zookeeper/zookeeper.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string_view>
#include <utility>

#include "uv_handle.h"
#include "zk_request.h"

namespace gregor::cluster {
namespace {

// The C client formats its own lines ("<time>:<pid>(<tid>):ZOO_ERROR@<function>@<line>:
// <text>"). Failed connection attempts repeat every few milliseconds while ZooKeeper is down;
// ZkClient reports those itself, once per session timeout and in plainer words, so the C
// client's socket lines go to debug. Its other errors and warnings stay warnings.
void log_from_c_client(const char* message) {
  std::string_view line(message);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  const size_t level_at = line.find(":ZOO_");
  std::string_view body = level_at == std::string_view::npos ? line : line.substr(level_at + 1);
  const bool about_connecting = body.find("Socket ") != std::string_view::npos ||
                                body.find("Delaying connection") != std::string_view::npos;
  if (!about_connecting && (body.starts_with("ZOO_ERROR") || body.starts_with("ZOO_WARN"))) {
    spdlog::warn("[ZooKeeper C client] {}", body);
  } else {
    spdlog::debug("[ZooKeeper C client] {}", body);
  }
}

// The C client logs through a process-wide level; INFO would print a line per request batch.
void quiet_c_client() {
  static std::once_flag once;
  std::call_once(once, [] { zoo_set_debug_level(ZOO_LOG_LEVEL_WARN); });
}

const char* state_name(int state) {
  if (state == ZOO_CONNECTED_STATE) return "CONNECTED";
  if (state == ZOO_CONNECTING_STATE) return "CONNECTING";
  if (state == ZOO_ASSOCIATING_STATE) return "ASSOCIATING";
  if (state == ZOO_EXPIRED_SESSION_STATE) return "EXPIRED";
  if (state == ZOO_AUTH_FAILED_STATE) return "AUTH_FAILED";
  if (state == ZOO_READONLY_STATE) return "READONLY";
  return "NOT_CONNECTED";
}

}  // namespace

struct ZkClient::Impl {
  UvHandle<uv_poll_t> poll;
  int poll_fd = -1;
  UvHandle<uv_timer_t> io_timer;        // When the C client next needs to run (ping, connect).
  UvHandle<uv_timer_t> retry_timer;     // Back-off before a new handle.
  UvHandle<uv_timer_t> watchdog_timer;  // "Still not connected" log lines.
  UvHandle<uv_timer_t> defer_timer;     // Delivers failures outside the caller's stack.
  std::vector<std::pair<std::unique_ptr<Request>, ZkError>> failures;
};

ZkClient::ZkClient(uv_loop_t* loop, ZkClientOptions options)
    : loop_(loop), options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  quiet_c_client();
  impl_->io_timer = make_timer(loop_, this);
  impl_->retry_timer = make_timer(loop_, this);
  impl_->watchdog_timer = make_timer(loop_, this);
  impl_->defer_timer = make_timer(loop_, this);
}

ZkClient::~ZkClient() {
  dropping_callbacks_ = true;
  closed_ = true;
  waiting_.clear();
  close_handle();
  impl_.reset();  // Closes the libuv handles; pending failures are dropped unreported.
}

Result<void, std::string> ZkClient::start() {
  if (started_) return {};
  auto parsed = parse_zk_connect(options_.connect);
  if (!parsed) return unexpected(parsed.error());
  connect_ = std::move(*parsed);
  started_ = true;
  chroot_ready_ = connect_.chroot.empty();
  waiting_since_ms_ = static_cast<int64_t>(uv_now(loop_));
  spdlog::info("[ZooKeeperClient] Connecting to zookeeper on {}", options_.connect);
  // The first "still waiting" line comes after a few seconds, then one per session timeout.
  const auto every =
      static_cast<uint64_t>(std::max<int64_t>(1000, options_.session_timeout.count()));
  uv_timer_start(
      impl_->watchdog_timer.get(),
      [](uv_timer_t* t) {
        if (t->data != nullptr) static_cast<ZkClient*>(t->data)->on_watchdog();
      },
      std::min<uint64_t>(every, 3000), every);
  open_handle();
  return {};
}

void ZkClient::close() {
  if (closed_) return;
  closed_ = true;
  if (zh_ != nullptr && session_id_ != 0) {
    spdlog::info("[ZooKeeperClient] Closing session 0x{:x}", session_id_);
  }
  fail_waiting(ZkError::kClosing);
  uv_timer_stop(impl_->retry_timer.get());
  uv_timer_stop(impl_->watchdog_timer.get());
  if (depth_ > 0) {
    close_pending_ = true;  // zookeeper_close() must not run inside one of its own callbacks.
    return;
  }
  close_handle();
}

std::optional<ZkSessionId> ZkClient::session() const {
  if (!connected_ || zh_ == nullptr) return std::nullopt;
  const clientid_t* id = zoo_client_id(zh_);
  ZkSessionId out;
  out.id = id->client_id;
  std::memcpy(out.password.data(), id->passwd, out.password.size());
  return out;
}

int ZkClient::add_session_listener(SessionListener listener) {
  const int id = next_listener_id_++;
  listeners_.emplace_back(id, std::move(listener));
  return id;
}

void ZkClient::remove_session_listener(int id) {
  std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
}

int ZkClient::add_watch_handler(const std::string& path, WatchKind kind, WatchHandler handler) {
  const int id = next_handler_id_++;
  watch_handlers_.emplace(path, WatchEntry{id, kind, std::move(handler)});
  return id;
}

void ZkClient::remove_watch_handler(int id) {
  std::erase_if(watch_handlers_, [id](const auto& entry) { return entry.second.id == id; });
}

// ---- Requests waiting for a session, and failures delivered later ----

void ZkClient::enqueue(std::unique_ptr<Request> request) {
  if (closed_) {
    fail_later(std::move(request), ZkError::kClosing);
  } else if (!connected_ || zh_ == nullptr) {
    waiting_.push_back(std::move(request));
  } else {
    issue(std::move(request));
  }
}

void ZkClient::issue(std::unique_ptr<Request> request) {
  Request* raw = request.release();
  const int rc = raw->issue(zh_);
  if (rc != ZOK) {
    fail_later(std::unique_ptr<Request>(raw), static_cast<ZkError>(rc));
    return;
  }
  // The C client tried to send at once; whatever is left needs write interest on the socket.
  if (depth_ == 0) update_interest();
}

// Failures are reported from a zero-delay timer, never from inside the call that made the
// request, so that a caller's code after the call runs before its callback does.
void ZkClient::fail_later(std::unique_ptr<Request> request, ZkError error) {
  impl_->failures.emplace_back(std::move(request), error);
  uv_timer_start(
      impl_->defer_timer.get(),
      [](uv_timer_t* t) {
        auto* self = static_cast<ZkClient*>(t->data);
        if (self == nullptr) return;
        auto failures = std::move(self->impl_->failures);
        self->impl_->failures.clear();
        for (auto& [request, error] : failures)
          request->fail(error);
      },
      0, 0);
}

void ZkClient::fail_waiting(ZkError error) {
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& request : waiting)
    fail_later(std::move(request), error);
}

// ---- Handles and sessions ----

void ZkClient::open_handle() {
  if (closed_ || zh_ != nullptr) return;
  std::string hosts = connect_.hosts;
  bootstrapping_ = !chroot_ready_;
  if (!connect_.chroot.empty() && chroot_ready_) hosts += connect_.chroot;

  clientid_t resume{};
  const clientid_t* resume_ptr = nullptr;
  if (options_.resume_session && !bootstrapping_ && !resume_used_) {
    resume.client_id = options_.resume_session->id;
    std::memcpy(resume.passwd, options_.resume_session->password.data(), sizeof(resume.passwd));
    resume_ptr = &resume;
    resume_used_ = true;
  }
  errno = 0;
  zh_ = zookeeper_init2(hosts.c_str(), &ZkClient::watcher_trampoline,
                        static_cast<int>(options_.session_timeout.count()), resume_ptr, this,
                        ZOO_NO_LOG_CLIENTENV, &log_from_c_client);
  if (zh_ == nullptr) {
    const int err = errno;
    spdlog::warn("[ZooKeeperClient] Cannot start a ZooKeeper client for {}: {}; retrying in {} ms",
                 hosts, err != 0 ? std::strerror(err) : "unknown error",
                 options_.retry_backoff.count());
    reopen_later();
    return;
  }
  update_interest();
}

void ZkClient::close_handle() {
  if (zh_ == nullptr) return;
  zhandle_t* old = zh_;
  zh_ = nullptr;  // From here on the old handle's watcher events are ignored.
  connected_ = false;
  session_id_ = 0;
  set_poll(-1, 0);
  if (impl_ && impl_->io_timer) uv_timer_stop(impl_->io_timer.get());
  ++depth_;
  zookeeper_close(old);  // Runs the completions still pending, with ZCLOSING.
  --depth_;
}

void ZkClient::reopen_later() {
  uv_timer_start(
      impl_->retry_timer.get(),
      [](uv_timer_t* t) {
        if (t->data != nullptr) static_cast<ZkClient*>(t->data)->open_handle();
      },
      options_.retry_backoff.count(), 0);
}

// Creates the chroot one path segment at a time, as Kafka's makeSurePersistentPathExists
// does, then asks for the handle to be replaced by one rooted at the chroot.
void ZkClient::create_chroot(size_t from) {
  const size_t slash = connect_.chroot.find('/', from);
  const bool last = slash == std::string::npos;
  std::string prefix = last ? connect_.chroot : connect_.chroot.substr(0, slash);
  class CreateStep final : public Request {
   public:
    CreateStep(ZkClient* owner, std::string path, size_t next, bool last)
        : Request(owner), client_(owner), path_(std::move(path)), next_(next), last_(last) {}
    int issue(zhandle_t* zh) override {
      return zoo_acreate(zh, path_.c_str(), nullptr, -1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT,
                         &CreateStep::done, this);
    }
    void fail(ZkError error) override { finish(error); }

   private:
    static void done(int rc, const char*, const void* data) {
      std::unique_ptr<CreateStep> self(static_cast<CreateStep*>(const_cast<void*>(data)));
      if (self->deliver()) self->finish(static_cast<ZkError>(rc));
    }
    void finish(ZkError error) {
      if (error != ZkError::kOk && error != ZkError::kNodeExists) {
        // Connection trouble: the next CONNECTED event starts over. Anything else (no
        // permission, say) will not cure itself quickly, so back off before retrying.
        spdlog::warn("[ZooKeeperClient] Cannot create chroot path {}: {}", path_,
                     zk_error_name(error));
        if (!is_connection_error(error)) client_->reopen_pending_ = true;
        return;
      }
      if (last_) {
        spdlog::info("[ZooKeeperClient] Chroot {} exists; reconnecting inside it", path_);
        client_->chroot_ready_ = true;
        client_->replace_pending_ = true;
      } else {
        client_->create_chroot(next_);
      }
    }
    ZkClient* client_;
    std::string path_;
    size_t next_;
    bool last_;
  };
  issue(std::make_unique<CreateStep>(this, std::move(prefix), last ? 0 : slash + 1, last));
}

void ZkClient::watcher_trampoline(zhandle_t* zh, int type, int state, const char* path,
                                  void* context) {
  auto* self = static_cast<ZkClient*>(context);
  if (self == nullptr || zh != self->zh_ || self->dropping_callbacks_) return;
  if (type == ZOO_SESSION_EVENT) {
    self->on_session_state(state);
  } else {
    self->on_watch(type, path);
  }
}

void ZkClient::on_session_state(int state) {
  if (state == ZOO_CONNECTED_STATE) {
    if (bootstrapping_) {
      create_chroot(1);
      return;
    }
    const int64_t id = zoo_client_id(zh_)->client_id;
    const bool same_session = session_id_ != 0 && id == session_id_;
    session_id_ = id;
    connected_ = true;
    spdlog::info("[ZooKeeperClient] Connected to {} (session 0x{:x}, timeout {} ms{})",
                 connect_.hosts + connect_.chroot, id, zoo_recv_timeout(zh_),
                 same_session ? ", resumed" : "");
    // Requests that waited for a session go out before the listeners add theirs.
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& request : waiting)
      issue(std::move(request));
    notify(same_session ? SessionEvent::kReconnected : SessionEvent::kNewSession);
    return;
  }
  if (state == ZOO_CONNECTING_STATE || state == ZOO_ASSOCIATING_STATE) {
    if (!connected_) return;
    connected_ = false;
    waiting_since_ms_ = static_cast<int64_t>(uv_now(loop_));
    spdlog::warn(
        "[ZooKeeperClient] Lost the connection to ZooKeeper (session 0x{:x}); reconnecting",
        session_id_);
    notify(SessionEvent::kDisconnected);
    return;
  }
  if (state == ZOO_EXPIRED_SESSION_STATE || state == ZOO_AUTH_FAILED_STATE) {
    const bool was_bootstrap = bootstrapping_;
    connected_ = false;
    waiting_since_ms_ = static_cast<int64_t>(uv_now(loop_));
    if (state == ZOO_EXPIRED_SESSION_STATE) {
      spdlog::warn("[ZooKeeperClient] Session 0x{:x} expired; opening a new session", session_id_);
      replace_pending_ = true;
    } else {
      spdlog::error("[ZooKeeperClient] ZooKeeper authentication failed; retrying in {} ms",
                    options_.retry_backoff.count());
      reopen_pending_ = true;
    }
    if (!was_bootstrap) {
      fail_waiting(ZkError::kSessionExpired);
      notify(SessionEvent::kExpired);
    }
    return;
  }
  spdlog::debug("[ZooKeeperClient] Session state {}", state_name(state));
}

void ZkClient::on_watch(int type, const char* raw_path) {
  const std::string path = raw_path != nullptr ? raw_path : "";
  WatchEvent event;
  bool to_data = false;
  bool to_children = false;
  if (type == ZOO_CREATED_EVENT) {
    event = WatchEvent::kCreated;
    to_data = true;
  } else if (type == ZOO_CHANGED_EVENT) {
    event = WatchEvent::kDataChanged;
    to_data = true;
  } else if (type == ZOO_CHILD_EVENT) {
    event = WatchEvent::kChildrenChanged;
    to_children = true;
  } else if (type == ZOO_DELETED_EVENT) {
    // A deletion fires data and child watches alike, delivered once by the C client.
    event = WatchEvent::kDeleted;
    to_data = to_children = true;
  } else {
    return;
  }
  // Handlers may add or remove handlers: call copies, and only those still registered.
  std::vector<std::pair<int, WatchHandler>> targets;
  auto [first, last] = watch_handlers_.equal_range(path);
  for (auto it = first; it != last; ++it) {
    const bool wanted = it->second.kind == WatchKind::kData ? to_data : to_children;
    if (wanted) targets.emplace_back(it->second.id, it->second.handler);
  }
  for (auto& [id, handler] : targets) {
    const bool still_registered =
        std::any_of(watch_handlers_.begin(), watch_handlers_.end(),
                    [id = id](const auto& entry) { return entry.second.id == id; });
    if (still_registered) handler(event);
  }
}

void ZkClient::notify(SessionEvent event) {
  auto listeners = listeners_;
  for (auto& [id, listener] : listeners) {
    const bool still_registered = std::any_of(listeners_.begin(), listeners_.end(),
                                              [id = id](const auto& e) { return e.first == id; });
    if (still_registered) listener(event);
  }
}

void ZkClient::on_watchdog() {
  if (connected_ || closed_) return;
  const int64_t waited = static_cast<int64_t>(uv_now(loop_)) - waiting_since_ms_;
  spdlog::warn(
      "[ZooKeeperClient] Not connected to ZooKeeper at {} for {} ms; still retrying (is the "
      "ensemble running and reachable?)",
      connect_.hosts, waited);
}

// ---- Driving the C client from the loop ----

void ZkClient::drive(int events) {
  if (zh_ == nullptr) return;
  ++depth_;
  zookeeper_process(zh_, events);
  --depth_;
  after_callbacks();
}

// Runs what callbacks asked for but could not do inside the C client's call stack, then
// re-arms the socket and timer watches.
void ZkClient::after_callbacks() {
  if (depth_ > 0) return;
  if (close_pending_) {
    close_pending_ = false;
    close_handle();
    return;
  }
  if (!closed_ && (replace_pending_ || reopen_pending_)) {
    const bool backoff = reopen_pending_;
    replace_pending_ = false;
    reopen_pending_ = false;
    close_handle();
    if (backoff) {
      reopen_later();
    } else {
      open_handle();
    }
    return;
  }
  update_interest();
}

void ZkClient::update_interest() {
  if (zh_ == nullptr) {
    set_poll(-1, 0);
    return;
  }
  int fd = -1;
  int interest = 0;
  struct timeval tv {};
  ++depth_;
  const int rc = zookeeper_interest(zh_, &fd, &interest, &tv);
  --depth_;
  if (close_pending_ || replace_pending_ || reopen_pending_) {
    after_callbacks();  // A failed connection attempt may have run callbacks that asked.
    return;
  }
  if (rc == ZINVALIDSTATE) {
    // The handle is dead (expired or refused) without the watcher having said so.
    set_poll(-1, 0);
    reopen_pending_ = true;
    after_callbacks();
    return;
  }
  set_poll(fd, interest);
  int64_t ms = static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
  ms = std::clamp<int64_t>(ms, 0, 60000);
  uv_timer_start(
      impl_->io_timer.get(),
      [](uv_timer_t* t) {
        if (t->data != nullptr) static_cast<ZkClient*>(t->data)->drive(0);
      },
      static_cast<uint64_t>(ms), 0);
}

// The C client closes and reopens its socket inside its own calls, and a new socket may get
// the number of the old one. A new poll handle per number, and uv_poll_start() on every update
// (libuv re-registers the descriptor from scratch there), keep epoll in step either way.
void ZkClient::set_poll(int fd, int interest) {
  if (!impl_) return;
  if (fd < 0) {
    impl_->poll.reset();
    impl_->poll_fd = -1;
    return;
  }
  if (!impl_->poll || impl_->poll_fd != fd) {
    impl_->poll.reset();
    impl_->poll_fd = -1;
    auto* handle = new uv_poll_t;
    const int rc = uv_poll_init(loop_, handle, fd);
    if (rc < 0) {
      delete handle;
      spdlog::error("[ZooKeeperClient] Cannot watch the ZooKeeper socket: {}", uv_strerror(rc));
      return;  // The io timer still drives the C client, which will time the connection out.
    }
    handle->data = this;
    impl_->poll.adopt(handle);
    impl_->poll_fd = fd;
  }
  int events = 0;
  if ((interest & ZOOKEEPER_READ) != 0) events |= UV_READABLE;
  if ((interest & ZOOKEEPER_WRITE) != 0) events |= UV_WRITABLE;
  uv_poll_start(impl_->poll.get(), events, [](uv_poll_t* p, int status, int ready) {
    auto* self = static_cast<ZkClient*>(p->data);
    if (self == nullptr) return;
    int zk_events = 0;
    // On a socket error let the C client find out for itself by reading.
    if (status < 0 || (ready & UV_READABLE) != 0) zk_events |= ZOOKEEPER_READ;
    if (status < 0 || (ready & UV_WRITABLE) != 0) zk_events |= ZOOKEEPER_WRITE;
    self->drive(zk_events);
  });
}

}  // namespace gregor::cluster
