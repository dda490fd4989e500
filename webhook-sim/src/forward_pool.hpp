#pragma once
// `listen --forward-to` off the listener's event-loop thread: each forward runs on a pool thread
// with its own Forwarder (and keep-alive connection to the app), so a slow or silent app holds
// only the delivery it was sent, never another connection. At most `max_threads` forwards run at
// once; more wait in arrival order for a free thread.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/webhook_sim/forwarder.hpp"

namespace rsolv::webhook_sim {

class ForwardPool {
 public:
  // Called on a pool thread with the app's answer.
  using Done = std::function<void(ForwardResult)>;

  // Checks the options as Forwarder does (rsolv::UsageError); threads start on demand.
  ForwardPool(ForwardOptions options, Clock& clock, std::size_t max_threads);
  // Waits for the forwards running (each bounded by the forward timeout); queued ones are dropped.
  ~ForwardPool();
  ForwardPool(const ForwardPool&) = delete;
  ForwardPool& operator=(const ForwardPool&) = delete;

  void submit(std::string body, std::string content_type, std::string user_agent, Done done);

 private:
  struct Job {
    std::string body, content_type, user_agent;
    Done done;
  };
  void work();

  ForwardOptions options_;
  Clock& clock_;
  std::size_t max_threads_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace rsolv::webhook_sim
