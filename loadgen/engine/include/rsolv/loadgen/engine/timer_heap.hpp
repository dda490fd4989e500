#pragma once
// Timers of one worker thread (think times, delayed starts): a binary min-heap over a vector that
// keeps its capacity, so scheduling a timer does not allocate once the run has warmed up.
// Cancellation is lazy: an entry carries the owner's generation and is ignored when stale.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace rsolv::loadgen::engine {

struct Timer {
  std::int64_t at_us;
  std::uint32_t owner;
  std::uint32_t generation;
};

class TimerHeap {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  void push(Timer timer) {
    heap_.push_back(timer);
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::optional<std::int64_t> next_at() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at_us;
  }
  // The earliest timer if it is due at `now_us`.
  std::optional<Timer> pop_due(std::int64_t now_us) {
    if (heap_.empty() || heap_.front().at_us > now_us) return std::nullopt;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const Timer timer = heap_.back();
    heap_.pop_back();
    return timer;
  }
  void clear() { heap_.clear(); }

 private:
  static bool later(const Timer& a, const Timer& b) { return a.at_us > b.at_us; }
  std::vector<Timer> heap_;
};

}  // namespace rsolv::loadgen::engine
