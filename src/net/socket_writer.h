// Writes a connection's responses in order: owned bytes through uv_write, file ranges through
// sendfile(2) from the loop thread.
//
// Why not uv_fs_sendfile: it runs on libuv's small thread pool, which the log's file work also
// uses, and on a non-blocking socket it simply fails with EAGAIN there, so a full socket
// buffer would mean a busy retry through the pool. Instead sendfile is called here, on the
// loop, and when the socket buffer is full we wait for writability. libuv lets only one watcher
// own an fd number and the uv_tcp_t already owns the socket's, so writability is watched
// through a uv_poll_t on a dup() of the socket: the duplicate shares the open file
// description, hence its writability. The poll handle is created the first time a file range
// has to wait and lives as long as the connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include <uv.h>

#include "gregor/common/result.h"
#include "gregor/net/frame.h"

namespace gregor::net {

struct WriteFailure {
  int uv_error = 0;       // A libuv error code (negative errno).
  const char* what = "";  // Which step failed, for the log.
};

class SocketWriter {
 public:
  // Called only from libuv callbacks, never from inside enqueue() or flush().
  class Events {
   public:
    // Bytes reached the kernel; queued_bytes() has shrunk.
    virtual void on_write_progress() = 0;
    // Writing failed; the connection must close.
    virtual void on_write_failed(const WriteFailure& failure) = 0;
    // The writability poll handle finished closing (only if close() returned true).
    virtual void on_writer_closed() = 0;

   protected:
    ~Events() = default;
  };

  // Owned bytes are batched into one uv_write of at most this many buffers.
  static constexpr size_t kMaxBuffersPerWrite = 64;
  // At most this many file bytes are sent per flush, then the writer yields until the next
  // loop turn, so one large fetch can't starve the other connections.
  static constexpr size_t kSendfileBytesPerTurn = size_t{4} << 20;

  SocketWriter(uv_tcp_t* tcp, Events& events) : tcp_(tcp), events_(events) {}
  SocketWriter(const SocketWriter&) = delete;
  SocketWriter& operator=(const SocketWriter&) = delete;

  // Queues one response behind its 4-byte size prefix. Returns false, queuing nothing, if the
  // response is too large to be framed (over 2^31-1 bytes).
  bool enqueue(Response response);

  // Writes what can be written now and arranges to continue from libuv callbacks.
  Result<void, WriteFailure> flush();

  // Bytes accepted but not yet handed to the kernel, file ranges included.
  size_t queued_bytes() const { return queued_bytes_; }
  bool idle() const { return queued_bytes_ == 0; }

  // Bytes handed to the kernel since the previous call.
  uint64_t take_sent_bytes();

  // Stops writing for good and releases queued chunks (and their file keep-alives). Returns
  // true if a handle is closing, in which case Events::on_writer_closed() follows.
  bool close();

 private:
  struct WriteBatch;
  struct WritablePoll;

  Result<void, WriteFailure> submit_bytes();
  // Returns true when the file range at the front is done, false when the writer must wait.
  Result<bool, WriteFailure> send_file_slice(FileRange& range);
  Result<void, WriteFailure> wait_until_writable();
  void handle_write_done(size_t bytes, int status);
  void handle_writable(int status);
  void continue_after_callback();

  static void on_write_done(uv_write_t* req, int status);
  static void on_writable(uv_poll_t* handle, int status, int events);
  static void on_poll_closed(uv_handle_t* handle);

  uv_tcp_t* tcp_;
  Events& events_;
  std::deque<Response::Chunk> queue_;
  size_t queued_bytes_ = 0;
  uint64_t sent_bytes_ = 0;
  WritablePoll* poll_ = nullptr;  // Freed in its close callback.
  bool waiting_writable_ = false;
  bool closed_ = false;
};

}  // namespace gregor::net
