#pragma once
// One worker thread: its own epoll loop, timers, read buffer, metric set and virtual users. Every
// scenario's VUs and iterations are striped over the workers (ScheduleDriver), so a worker never
// talks to another one while it runs; it hands its metrics to the coordinator once per interval.
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "prepared_plan.hpp"
#include "response_batching.hpp"
#include "rsolv/common/clock.hpp"
#include "rsolv/loadgen/engine/connection.hpp"
#include "rsolv/loadgen/engine/event_loop.hpp"
#include "rsolv/loadgen/engine/failure_reason.hpp"
#include "rsolv/loadgen/engine/timer_heap.hpp"
#include "rsolv/loadgen/executors/schedule_driver.hpp"
#include "rsolv/loadgen/metrics/metric_set.hpp"
#include "rsolv/loadgen/scenario/request_render.hpp"
#include "rsolv/loadgen/scenario/template.hpp"

namespace rsolv::loadgen::runner {

// How far a stop has gone: the first stop request lets iterations finish within gracefulStop,
// the second (or a failure, or abortOnFail) interrupts them.
enum class StopMode { running, graceful, interrupt };

// Shared between the coordinator and the workers.
struct RunControl {
  std::chrono::steady_clock::time_point zero;  // the test's start
  std::int64_t zero_us = 0;                    // the same on engine::monotonic_us()'s scale
  std::int64_t flush_interval_us = 1'000'000;
  std::atomic<StopMode> stop_mode{StopMode::running};
  std::mutex mutex;               // guards `interval`
  metrics::MetricSet interval;    // what workers flushed since the coordinator last took it
  // Responses refused as malformed or over a limit (Failure::protocol), and the first reason.
  std::atomic<std::int64_t> protocol_errors{0};
  std::atomic<const char*> first_protocol_error{nullptr};
};

// What a VU captures of a response when its step inspects it, plus its extracted variables.
struct VuData {
  std::vector<std::string> variables;
  std::vector<std::optional<std::string>> headers;  // by the step's captured header slot
  std::string body;
  const scenario::Step* capturing = nullptr;
};

enum class VuState : std::uint8_t { parked, requesting, responded, sleeping };

struct Vu final : engine::ResponseSink {
  engine::Connection connection;
  std::string request;  // rendered request (only for requests that vary)
  std::unique_ptr<VuData> data;
  std::int64_t global_vu = 0;
  std::int64_t slot = 0;
  std::int64_t iteration = 0;         // iterations this VU completed (${iter})
  std::int64_t iteration_start_us = 0;  // intended start for arrival-rate iterations
  std::int64_t intended_us = -1;      // >= 0: the first request counts from here (CO correction)
  std::int64_t deadline_us = 0;       // request timeout
  std::int64_t retire_at_us = 0;      // ramped down mid-iteration: interrupted then (gracefulRampDown)
  std::uint32_t scenario = 0;
  std::uint32_t step = 0;
  std::uint32_t timer_generation = 0;
  VuState state = VuState::parked;
  bool in_iteration = false;
  bool exhausted = false;  // per-vu / shared iterations: no more to run
  bool initialized = false;
  engine::Failure failure = engine::Failure::none;
  std::vector<std::uint32_t> rows;  // by data source: the row this iteration reads

  void on_header(std::string_view name, std::string_view value) override;
  void on_body(std::string_view bytes) override;
};

class Worker final : public engine::ConnectionOwner {
 public:
  Worker(PreparedPlan& plan, RunControl& control, int index, int threads, std::uint64_t seed);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The thread body: runs every scenario to its end, then flushes its last metrics.
  void run();
  void on_request_done(engine::Connection& connection, engine::Failure failure) override;
  void on_read_paused(engine::Connection& connection) override;
  // Active VUs of a scenario (read by the coordinator for the vus gauge; see publish_active).
  std::int64_t active_vus(std::size_t scenario) const {
    return published_[scenario].load(std::memory_order_relaxed);
  }

 private:
  // Series indexes of one (step, status, failure reason), resolved once: a failed request's
  // `error`/`error_code` tags live in its series' tags, so recording one costs no string.
  struct StatusSeries {
    int status = 0;
    int error_code = 0;
    const char* error_detail = "";
    std::size_t reqs = 0, failed = 0, duration = 0, waiting = 0, connecting = 0, tls = 0, sending = 0,
                receiving = 0;
  };
  struct StepSeries {
    std::vector<StatusSeries> by_status;
    std::vector<std::size_t> checks;   // `checks` rate, one per check
    std::vector<std::size_t> records;  // custom metrics, one per recording
  };
  struct ScenarioRun {
    PreparedScenario* prepared = nullptr;
    std::unique_ptr<executors::ScheduleDriver> driver;
    std::int64_t start_us = 0;  // executor time zero on the monotonic scale
    std::size_t first_vu = 0;
    std::size_t vu_count = 0;
    std::int64_t initialized = 0;   // arrival-rate: VUs brought up so far
    std::vector<std::uint32_t> free;  // arrival-rate: idle VUs
    std::int64_t running = 0;       // VUs in an iteration
    std::int64_t target = -1;       // looping: slots that should iterate
    std::vector<std::uint32_t> retiring;  // ramped-down VUs still finishing an iteration
    bool stopping = false;          // no new iterations
    bool data_exhausted = false;    // an `each: unique` source ran out (exhausted: stop)
    std::int64_t hard_stop_us = 0;  // iterations still running then are interrupted
    bool finished = false;
    std::vector<StepSeries> steps;
    std::size_t iterations = 0, iteration_duration = 0, data_sent = 0, data_received = 0, dropped = 0;
  };

  void setup();
  void drive(ScenarioRun& run, std::int64_t now);
  // Starts every arrival that is due while a VU is free to run it.
  void start_due_arrivals(ScenarioRun& run, std::int64_t now);
  void begin_stop(ScenarioRun& run, std::int64_t now);
  void interrupt(ScenarioRun& run);
  void interrupt_vu(ScenarioRun& run, Vu& vu);
  void retire(ScenarioRun& run, std::int64_t old_target, std::int64_t now);
  bool can_start(ScenarioRun& run, Vu& vu);
  bool take_data_rows(ScenarioRun& run, Vu& vu);
  void collect_setup_row(ScenarioRun& run, Vu& vu);
  void start_iteration(ScenarioRun& run, std::uint32_t index, std::int64_t now, std::int64_t intended);
  void advance(std::uint32_t index, std::int64_t now);
  void start_request(ScenarioRun& run, std::uint32_t index, const PreparedStep& step, std::int64_t now);
  void end_iteration(ScenarioRun& run, std::uint32_t index, std::int64_t now);
  void record_response(ScenarioRun& run, Vu& vu, const PreparedStep& step, engine::Failure failure);
  void inspect_response(ScenarioRun& run, Vu& vu, const PreparedStep& step, int status, std::int64_t duration_us,
                        bool ok);
  StatusSeries& status_series(ScenarioRun& run, std::uint32_t step, int status, bool expected,
                              const engine::FailureReason& reason);
  void run_ready();
  void resume_paused();
  void fire_timers(std::int64_t now);
  void sweep_timeouts(std::int64_t now);
  void flush();
  // The loop's wait: with many requests in flight, a short nap first so responses come in batches.
  std::span<epoll_event> wait_for_events(std::span<epoll_event> events, std::int64_t timeout_us);
  std::int64_t next_wakeup(std::int64_t now, std::int64_t next_sweep, std::int64_t next_flush) const;

  PreparedPlan& plan_;
  RunControl& control_;
  int index_;
  int threads_;
  engine::EventLoop loop_;
  std::vector<char> read_buffer_;
  engine::ConnectionContext context_;
  engine::TimerHeap timers_;
  scenario::FastRandom random_;
  metrics::MetricSet metrics_;
  std::deque<Vu> vus_;
  std::vector<ScenarioRun> runs_;
  std::vector<std::uint32_t> ready_;
  std::vector<std::uint32_t> ready_swap_;
  std::vector<std::uint32_t> paused_;  // connections that used their read budget (resume_paused)
  std::vector<std::uint32_t> paused_swap_;
  scenario::RenderScratch scratch_;
  std::int64_t active_ = 0;
  std::int64_t in_flight_ = 0;  // requests sent and not yet done
  ResponseBatching batching_;
  std::unique_ptr<std::atomic<std::int64_t>[]> published_;  // by scenario
  void publish_active();
};

}  // namespace rsolv::loadgen::runner
