// An in-memory Connection for handler tests: no loop, no socket. It hands out request slots
// and records the replies in request order under the same rules as a real connection (a later
// reply waits for earlier ones; kClose ends the connection), so a handler can be tested by
// calling on_frame() directly.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "gregor/net/connection.h"
#include "gregor/net/request_slot.h"

namespace gregor::net {

class ResponseOrder;

class RecordingConnection final : public Connection,
                                  public std::enable_shared_from_this<RecordingConnection> {
 public:
  // Slots hold weak references, so the connection must live in a shared_ptr.
  static std::shared_ptr<RecordingConnection> create(ConnectionInfo info = {});
  ~RecordingConnection() override;

  // Opens the next slot, as the arrival of a frame would.
  RequestSlot next_slot();

  // Replies released so far, in request order (kNone replies included).
  const std::vector<Reply>& replies() const { return replies_; }
  // Slots opened and not yet released.
  size_t pending() const;

  const ConnectionInfo& info() const override { return info_; }
  bool is_open() const override { return open_; }
  void close() override;
  std::weak_ptr<Connection> weak_handle() override { return weak_from_this(); }

 protected:
  void finish_request(uint64_t sequence, Reply reply) override;

 private:
  explicit RecordingConnection(ConnectionInfo info);

  ConnectionInfo info_;
  std::unique_ptr<ResponseOrder> order_;
  std::vector<Reply> replies_;
  bool open_ = true;
};

}  // namespace gregor::net
