#include "socket_writer.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <memory>
#include <vector>

namespace gregor::net {
namespace {

// Linux transfers at most this many bytes in one sendfile call.
constexpr size_t kMaxSendfileCall = 0x7ffff000;

}  // namespace

// One uv_write and the buffers it points at, which must live until its callback.
struct SocketWriter::WriteBatch {
  uv_write_t req;
  SocketWriter* writer = nullptr;
  std::vector<std::vector<uint8_t>> owned;
  std::vector<uv_buf_t> bufs;
  size_t bytes = 0;
};

struct SocketWriter::WritablePoll {
  uv_poll_t handle;
  int fd = -1;  // The dup() of the socket; closed after the handle.
  SocketWriter* writer = nullptr;
};

bool SocketWriter::enqueue(Response response) {
  const size_t size = response.size();
  if (size > static_cast<size_t>(std::numeric_limits<int32_t>::max())) return false;
  std::vector<uint8_t> prefix = {static_cast<uint8_t>(size >> 24), static_cast<uint8_t>(size >> 16),
                                 static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)};
  queued_bytes_ += prefix.size() + size;
  queue_.emplace_back(std::move(prefix));
  for (auto& chunk : std::move(response).take_chunks())
    queue_.push_back(std::move(chunk));
  return true;
}

Result<void, WriteFailure> SocketWriter::flush() {
  while (!closed_ && !queue_.empty() && !waiting_writable_) {
    if (std::holds_alternative<std::vector<uint8_t>>(queue_.front())) {
      if (auto submitted = submit_bytes(); !submitted) return submitted;
      continue;
    }
    // A file range may only start once libuv has handed every earlier byte to the kernel;
    // the write callback that empties libuv's queue calls flush() again.
    if (uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(tcp_)) > 0) break;
    auto done = send_file_slice(std::get<FileRange>(queue_.front()));
    if (!done) return unexpected(done.error());
    if (!*done) break;
    queue_.pop_front();
  }
  return {};
}

// Moves the run of owned-byte chunks at the front of the queue into one uv_write. uv_write
// tries a synchronous writev first, so a response that fits in the socket buffer costs no
// extra loop turn; the rest is written by libuv when the socket becomes writable.
Result<void, WriteFailure> SocketWriter::submit_bytes() {
  auto batch = std::make_unique<WriteBatch>();
  batch->writer = this;
  while (!queue_.empty() && batch->owned.size() < kMaxBuffersPerWrite) {
    auto* bytes = std::get_if<std::vector<uint8_t>>(&queue_.front());
    if (bytes == nullptr) break;
    batch->bytes += bytes->size();
    batch->owned.push_back(std::move(*bytes));
    queue_.pop_front();
  }
  batch->bufs.reserve(batch->owned.size());
  for (auto& owned : batch->owned) {
    batch->bufs.push_back(
        uv_buf_init(reinterpret_cast<char*>(owned.data()), static_cast<unsigned>(owned.size())));
  }
  batch->req.data = batch.get();
  const int rc = uv_write(&batch->req, reinterpret_cast<uv_stream_t*>(tcp_), batch->bufs.data(),
                          static_cast<unsigned>(batch->bufs.size()), &SocketWriter::on_write_done);
  if (rc < 0) {
    queued_bytes_ -= batch->bytes;
    return unexpected(WriteFailure{rc, "uv_write"});
  }
  batch.release();  // Owned by libuv until on_write_done.
  return {};
}

Result<bool, WriteFailure> SocketWriter::send_file_slice(FileRange& range) {
  uv_os_fd_t socket_fd = -1;
  if (const int rc = uv_fileno(reinterpret_cast<uv_handle_t*>(tcp_), &socket_fd); rc < 0) {
    return unexpected(WriteFailure{rc, "uv_fileno"});
  }
  size_t budget = kSendfileBytesPerTurn;
  while (range.length > 0 && budget > 0) {
    off_t offset = static_cast<off_t>(range.offset);
    const size_t want = std::min({range.length, budget, kMaxSendfileCall});
    const ssize_t sent = ::sendfile(socket_fd, range.fd, &offset, want);
    if (sent > 0) {
      const auto n = static_cast<size_t>(sent);
      range.offset += static_cast<int64_t>(n);
      range.length -= n;
      budget -= n;
      queued_bytes_ -= n;
      sent_bytes_ += n;
      continue;
    }
    if (sent == 0) {
      // The file is shorter than the range promised. The frame's size prefix has already been
      // sent, so the stream can't be repaired: the connection must close.
      return unexpected(WriteFailure{UV_EIO, "sendfile (file range past end of file)"});
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return unexpected(WriteFailure{-errno, "sendfile"});
  }
  if (range.length == 0) {
    range.keep_alive.reset();
    return true;
  }
  // The socket is full or this turn's budget is spent; both resume on writability, which for
  // a spent budget is simply the next loop turn.
  if (auto waiting = wait_until_writable(); !waiting) return unexpected(waiting.error());
  return false;
}

Result<void, WriteFailure> SocketWriter::wait_until_writable() {
  if (poll_ == nullptr) {
    uv_os_fd_t socket_fd = -1;
    if (const int rc = uv_fileno(reinterpret_cast<uv_handle_t*>(tcp_), &socket_fd); rc < 0) {
      return unexpected(WriteFailure{rc, "uv_fileno"});
    }
    const int dup_fd = ::fcntl(socket_fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) return unexpected(WriteFailure{-errno, "dup of socket for sendfile"});
    auto poll = std::make_unique<WritablePoll>();
    poll->fd = dup_fd;
    poll->writer = this;
    poll->handle.data = poll.get();
    if (const int rc = uv_poll_init_socket(tcp_->loop, &poll->handle, dup_fd); rc < 0) {
      ::close(dup_fd);
      return unexpected(WriteFailure{rc, "uv_poll_init_socket"});
    }
    poll_ = poll.release();  // Freed in on_poll_closed.
  }
  if (const int rc = uv_poll_start(&poll_->handle, UV_WRITABLE, &SocketWriter::on_writable);
      rc < 0) {
    return unexpected(WriteFailure{rc, "uv_poll_start"});
  }
  waiting_writable_ = true;
  return {};
}

uint64_t SocketWriter::take_sent_bytes() {
  const uint64_t sent = sent_bytes_;
  sent_bytes_ = 0;
  return sent;
}

bool SocketWriter::close() {
  if (closed_) return false;
  closed_ = true;
  queue_.clear();
  if (poll_ == nullptr) return false;
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_->handle), &SocketWriter::on_poll_closed);
  return true;
}

void SocketWriter::handle_write_done(size_t bytes, int status) {
  queued_bytes_ -= bytes;
  // After close() libuv cancels pending writes (UV_ECANCELED); nothing more to report.
  if (closed_) return;
  if (status < 0) {
    events_.on_write_failed(WriteFailure{status, "write"});
    return;
  }
  sent_bytes_ += bytes;
  continue_after_callback();
}

void SocketWriter::handle_writable(int status) {
  waiting_writable_ = false;
  uv_poll_stop(&poll_->handle);
  if (closed_) return;
  if (status < 0) {
    events_.on_write_failed(WriteFailure{status, "poll for writability"});
    return;
  }
  continue_after_callback();
}

void SocketWriter::continue_after_callback() {
  if (auto flushed = flush(); !flushed) {
    events_.on_write_failed(flushed.error());
    return;
  }
  events_.on_write_progress();
}

void SocketWriter::on_write_done(uv_write_t* req, int status) {
  std::unique_ptr<WriteBatch> batch(static_cast<WriteBatch*>(req->data));
  batch->writer->handle_write_done(batch->bytes, status);
}

void SocketWriter::on_writable(uv_poll_t* handle, int status, int /*events*/) {
  static_cast<WritablePoll*>(handle->data)->writer->handle_writable(status);
}

void SocketWriter::on_poll_closed(uv_handle_t* handle) {
  std::unique_ptr<WritablePoll> poll(static_cast<WritablePoll*>(handle->data));
  ::close(poll->fd);
  SocketWriter* writer = poll->writer;
  writer->poll_ = nullptr;
  writer->events_.on_writer_closed();
}

}  // namespace gregor::net
