#pragma once
// A small HTTP/1.1 keep-alive server on 127.0.0.1 for the load generator's tests: one thread, one
// epoll loop (so it holds 10,000 connections), and answers whose delays the test decides. The
// delay of the n-th request (in arrival order, from 0) comes from a function the test sets, and
// every applied delay is kept, so a test knows the true latency distribution it injected. stall()
// freezes the whole server for a while (what a GC pause or SIGSTOP does to a real one).
// service_times() is the truth a test compares with: for each answered request, the time from
// reading it to writing its answer, as the server measured it (the injected delay plus however
// late a busy machine woke the server).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rsolv/testing/loopback.hpp"

namespace rsolv::loadgen::testing {

class DelayServer {
 public:
  using DelayFunction = std::function<std::chrono::microseconds(std::uint64_t n)>;

  struct Options {
    DelayFunction delay;  // none: answer at once
    std::string body = "ok";
    int status = 200;
    bool chunked = false;                     // frame the body as two chunks
    std::uint64_t stall_after_requests = 0;   // 0: never; else freeze once when this many arrived
    std::chrono::milliseconds stall_for{0};
    std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
    std::function<void()> on_thread_start;  // runs first on the server's thread (test hooks)
    std::size_t max_samples = 100;          // raw requests kept for sample_requests()
  };

  explicit DelayServer(Options options);
  ~DelayServer();
  DelayServer(const DelayServer&) = delete;
  DelayServer& operator=(const DelayServer&) = delete;

  int port() const { return listener_.port(); }
  std::string base_url() const;
  std::uint64_t requests() const { return requests_.load(); }
  std::size_t peak_connections() const { return peak_connections_.load(); }
  // Microseconds from reading each answered request to writing its answer.
  std::vector<std::int64_t> service_times() const;
  // The raw requests received, up to the first max_samples (method line and headers and body).
  std::vector<std::string> sample_requests() const;

 private:
  struct Pending {
    std::int64_t due_us;
    std::int64_t arrived_us;
    int fd;
    std::uint32_t generation;
  };
  struct Client {
    std::string in;
    std::uint32_t generation = 0;
    int queued = 0;  // responses waiting for their delay
    bool open = false;
  };
  void loop();
  void on_readable(int fd);
  void respond(int fd, std::int64_t arrived_us);
  void close_client(int fd);

  Options options_;
  rsolv::testing::LoopbackPort listener_;
  int epoll_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::size_t> peak_connections_{0};
  std::size_t connections_ = 0;
  bool stalled_ = false;
  std::vector<Client> clients_;  // by fd
  std::vector<Pending> pending_;  // min-heap by due time
  std::string response_;
  mutable std::mutex mutex_;
  std::vector<std::int64_t> delays_;
  std::vector<std::string> samples_;
  std::thread thread_;
};

}  // namespace rsolv::loadgen::testing
