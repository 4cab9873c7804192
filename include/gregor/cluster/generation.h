// A generation counter that ZooKeeper callbacks can consult safely even after their owner is
// gone. An owner takes a ticket when it sends a request; bumping the counter (say, when the
// session expires) voids every ticket taken before, and destroying the owner voids them all,
// so a late answer is dropped instead of touching a dead or moved-on object.
#pragma once

#include <cstdint>
#include <memory>

namespace gregor::cluster {

class Generation {
 public:
  class Ticket {
   public:
    bool valid() const {
      auto counter = counter_.lock();
      return counter != nullptr && *counter == value_;
    }

   private:
    friend class Generation;
    Ticket(std::weak_ptr<uint64_t> counter, uint64_t value)
        : counter_(std::move(counter)), value_(value) {}
    std::weak_ptr<uint64_t> counter_;
    uint64_t value_;
  };

  Generation() = default;
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  Ticket ticket() const { return Ticket(counter_, *counter_); }
  void bump() { ++*counter_; }

 private:
  std::shared_ptr<uint64_t> counter_ = std::make_shared<uint64_t>(0);
};

}  // namespace gregor::cluster
