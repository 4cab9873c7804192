// Ownership of a heap-allocated libuv handle. libuv may still touch a handle after uv_close()
// returns, until the close callback runs, so the memory is freed there and not by the owner.
#pragma once

#include <uv.h>

#include <utility>

namespace gregor::cluster {

template <class T>
class UvHandle {
 public:
  UvHandle() = default;
  ~UvHandle() { reset(); }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;
  UvHandle(UvHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  UvHandle& operator=(UvHandle&& other) noexcept {
    if (this != &other) adopt(std::exchange(other.handle_, nullptr));
    return *this;
  }

  T* get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }

  // Takes ownership of a handle that uv_*_init() has initialised.
  void adopt(T* handle) {
    reset();
    handle_ = handle;
  }

  // Closes the handle. Its callbacks can no longer reach the owner: `data` is cleared first.
  void reset() {
    if (handle_ == nullptr) return;
    auto* base = reinterpret_cast<uv_handle_t*>(handle_);
    base->data = nullptr;
    uv_close(base, [](uv_handle_t* closed) { delete reinterpret_cast<T*>(closed); });
    handle_ = nullptr;
  }

 private:
  T* handle_ = nullptr;
};

// A timer whose callbacks see `data` as their context.
inline UvHandle<uv_timer_t> make_timer(uv_loop_t* loop, void* data) {
  UvHandle<uv_timer_t> timer;
  auto* handle = new uv_timer_t;
  uv_timer_init(loop, handle);
  handle->data = data;
  timer.adopt(handle);
  return timer;
}

}  // namespace gregor::cluster
