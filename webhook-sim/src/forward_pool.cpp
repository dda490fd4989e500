#include "forward_pool.hpp"

#include <algorithm>

namespace rsolv::webhook_sim {

ForwardPool::ForwardPool(ForwardOptions options, Clock& clock, std::size_t max_threads)
    : options_(std::move(options)), clock_(clock), max_threads_(std::max<std::size_t>(1, max_threads)) {
  Forwarder check(options_, clock_);  // the same usage errors, before anything is served
}

ForwardPool::~ForwardPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void ForwardPool::submit(std::string body, std::string content_type, std::string user_agent, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(body), std::move(content_type), std::move(user_agent), std::move(done)});
    if (idle_ < queue_.size() && threads_.size() < max_threads_) threads_.emplace_back([this] { work(); });
  }
  ready_.notify_one();
}

void ForwardPool::work() {
  Forwarder forwarder(options_, clock_);
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job.done(forwarder.forward(job.body, job.content_type, job.user_agent));
    job = {};  // the answer's owner (a Responder) goes before the lock is taken again
    lock.lock();
  }
}

}  // namespace rsolv::webhook_sim
