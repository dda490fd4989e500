#include "rsolv/loadgen/runner/run.hpp"

#include <algorithm>
#include <csignal>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>

#include "prepared_plan.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/common/random.hpp"
#include "rsolv/loadgen/engine/event_loop.hpp"
#include "rsolv/loadgen/engine/socket.hpp"
#include "worker.hpp"

namespace rsolv::loadgen::runner {

bool RunResult::thresholds_ok() const {
  return std::all_of(thresholds.begin(), thresholds.end(), [](const metrics::ThresholdResult& r) { return r.ok; });
}

namespace {

double ms(std::int64_t micros) { return static_cast<double>(micros) / 1000.0; }

metrics::TimelinePoint timeline_point(const metrics::MetricSet& interval, double t_seconds, double interval_seconds,
                                      std::int64_t vus) {
  metrics::TimelinePoint point;
  point.t_seconds = t_seconds;
  point.vus = vus;
  const auto reqs = interval.aggregate("http_reqs");
  point.reqs_per_s = interval_seconds > 0 ? reqs.value.sum / interval_seconds : 0;
  const auto failed = interval.aggregate("http_req_failed");
  point.failed_rate =
      failed.value.total > 0 ? static_cast<double>(failed.value.hits) / static_cast<double>(failed.value.total) : 0;
  const auto duration = interval.aggregate("http_req_duration");
  if (duration.value.histogram && duration.value.histogram->count() > 0) {
    const auto& h = *duration.value.histogram;
    point.p50_ms = ms(h.value_at_percentile(50));
    point.p90_ms = ms(h.value_at_percentile(90));
    point.p95_ms = ms(h.value_at_percentile(95));
    point.p99_ms = ms(h.value_at_percentile(99));
    point.max_ms = ms(h.max());
  }
  return point;
}

// The first failing abortOnFail threshold whose delayAbortEval has passed, as "key: source".
// Metrics without samples yet are not judged (a check that has not run has not failed).
std::optional<std::string> failing_abort_threshold(const scenario::TestPlan& plan, const metrics::MetricSet& metrics,
                                                   double elapsed) {
  for (const auto& threshold : plan.thresholds) {
    std::optional<metrics::Aggregate> aggregate;
    for (const auto& condition : threshold.conditions) {
      if (!condition.abort_on_fail || elapsed < static_cast<double>(condition.delay_abort_eval.count()) / 1e6) continue;
      if (!aggregate) aggregate = metrics.aggregate(threshold.metric, threshold.filter);
      if (aggregate->value.empty(aggregate->type)) continue;
      if (!metrics::compare(metrics::aggregate_value(*aggregate, condition, elapsed), condition.comparison,
                            condition.target)) {
        return threshold.key + ": " + condition.source;
      }
    }
  }
  return std::nullopt;
}

std::int64_t now_us() { return engine::monotonic_us(); }

// What one phase runs: the scenarios, or the setup or teardown flow.
struct Phase {
  std::vector<const scenario::Scenario*> scenarios;
  executors::Segment segment;
  bool main = true;  // thresholds (abortOnFail), progress and the protocol-error warning
  const scenario::DataTable* setup_rows = nullptr;
  scenario::DataTable* collect = nullptr;  // setup: its iterations' extracted values
};

// Worker threads for a plan: one per core unless asked, never more than VUs. An arrival-rate
// schedule is striped over every thread, so each thread needs at least one of its VUs: its maxVUs
// caps the threads too. Each VU holds one connection: asks for enough descriptors.
int worker_threads(const PreparedPlan& prepared, const RunOptions& options) {
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::int64_t total_vus = 0;
  for (const auto& scenario : prepared.scenarios) total_vus += scenario->executor->max_vus();
  std::int64_t cap = total_vus;
  for (const auto& scenario : prepared.scenarios) {
    if (scenario->executor->arrival_rate()) cap = std::min(cap, scenario->executor->max_vus());
  }
  threads = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(threads, cap)));
  const long wanted = static_cast<long>(total_vus) + 1024;
  if (const long limit = engine::raise_fd_limit(wanted); limit >= 0 && limit < static_cast<long>(total_vus) + 64) {
    throw UsageError("the test needs " + std::to_string(wanted) + " file descriptors (one connection per VU) but the " +
                     "limit is " + std::to_string(limit) + " (raise it with ulimit -n, or run fewer VUs per machine " +
                     "with --segment)");
  }
  return threads;
}

// What the progress line shows as the test's length: the scenarios' planned durations, not the
// gracefulStop allowance after them (a 3 s test read "/ 33s").
double planned_seconds(const PreparedPlan& prepared) {
  std::chrono::microseconds planned_active{0};
  for (const auto& scenario : prepared.scenarios) {
    planned_active = std::max(planned_active, scenario->scenario->executor.start_time + scenario->executor->active_duration());
  }
  return static_cast<double>(planned_active.count()) / 1e6;
}

// One phase's run: starts the workers, then, as their coordinator, takes their metrics every
// flush interval (timeline, vus gauges), handles stop requests and abortOnFail, reports progress.
class PhaseRun {
 public:
  PhaseRun(const scenario::TestPlan& plan, const RunOptions& options, const Phase& phase)
      : plan_(plan), options_(options), phase_(phase) {}
  PhaseRun(const PhaseRun&) = delete;
  PhaseRun& operator=(const PhaseRun&) = delete;

  RunResult run() {
    prepare();
    start_workers();
    define_vus_series();
    coordinate();
    for (auto& thread : pool_) thread.join();
    if (failure_) std::rethrow_exception(failure_);
    finish();
    return std::move(result_);
  }

 private:
  void prepare() {
    prepared_ = prepare_plan(plan_, phase_.segment, phase_.scenarios, phase_.setup_rows);
    if (phase_.collect != nullptr) {
      prepared_->scenarios.front()->collect = phase_.collect;
      prepared_->scenarios.front()->collect_variables = plan_.setup_columns;
    }
    const int threads = worker_threads(*prepared_, options_);
    control_.flush_interval_us = std::max<std::int64_t>(10'000, options_.flush_interval.count() * 1000);
    metrics::define_builtin_metrics(control_.interval);
    const std::uint64_t seed = options_.seed != 0 ? options_.seed : Random().next_u64();
    for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(*prepared_, control_, i, threads, seed));

    // Time zero: once every VU exists (building 10,000 of them takes a moment).
    control_.zero = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
    control_.zero_us = std::chrono::duration_cast<std::chrono::microseconds>(control_.zero.time_since_epoch()).count();
    result_.segment = phase_.segment.str();
    result_.started_unix_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    metrics::define_builtin_metrics(result_.metrics);
    for (const auto& info : plan_.custom_metrics) result_.metrics.define(info);
  }

  void start_workers() {
    running_.store(static_cast<int>(workers_.size()));
    for (auto& worker : workers_) {
      pool_.emplace_back([this, w = worker.get()] {
        try {
          w->run();
        } catch (...) {
          std::lock_guard lock(failure_mutex_);
          if (!failure_) failure_ = std::current_exception();
          control_.stop_mode.store(StopMode::interrupt);
        }
        running_.fetch_sub(1);
      });
    }
  }

  // vus and vus_max per scenario, summed over this machine's threads (merge sums machines).
  void define_vus_series() {
    for (const auto& scenario : prepared_->scenarios) {
      vus_series_.push_back(result_.metrics.series_index("vus", scenario->tags));
      result_.metrics.at(result_.metrics.series_index("vus_max", scenario->tags))
          .value.set_gauge(static_cast<double>(scenario->executor->max_vus()));
    }
  }

  std::int64_t scenario_vus(std::size_t s) const {
    std::int64_t vus = 0;
    for (const auto& worker : workers_) vus += worker->active_vus(s);
    return vus;
  }

  std::int64_t vus_now() const {
    std::int64_t vus = 0;
    for (std::size_t s = 0; s < vus_series_.size(); ++s) vus += scenario_vus(s);
    return vus;
  }

  // The coordinator's loop, until every worker has stopped. Only a stop requested during this
  // phase stops it: the teardown runs after an interrupted test.
  void coordinate() {
    const double planned = planned_seconds(*prepared_);
    last_take_ = control_.zero_us;
    // Take each interval a little after the workers flushed it.
    std::int64_t next_take = control_.zero_us + control_.flush_interval_us + 50'000;
    seen_stops_ = options_.stop_requests != nullptr ? options_.stop_requests->load() : 0;
    while (running_.load() > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const std::int64_t now = now_us();
      interval_vus_ = std::max(interval_vus_, vus_now());
      handle_stop_requests();
      if (now < next_take) continue;
      while (next_take <= now) next_take += control_.flush_interval_us;
      take_interval(now, false);
      const double elapsed = static_cast<double>(now - control_.zero_us) / 1e6;
      if (phase_.main) {
        check_abort_thresholds(elapsed);
        report_progress(elapsed, planned);
      }
    }
  }

  void handle_stop_requests() {
    if (options_.stop_requests == nullptr) return;
    const int stops = options_.stop_requests->load();
    if (stops == seen_stops_) return;
    seen_stops_ = stops;
    result_.interrupted = true;
    control_.stop_mode.store(stops >= 2 ? StopMode::interrupt : StopMode::graceful);
  }

  void check_abort_thresholds(double elapsed) {
    if (result_.aborted_by_threshold) return;
    if (auto failing = failing_abort_threshold(plan_, result_.metrics, elapsed)) {
      result_.aborted_by_threshold = true;
      result_.aborting_threshold = *failing;
      control_.stop_mode.store(StopMode::interrupt);
    }
  }

  void report_progress(double elapsed, double planned) {
    if (!options_.on_progress) return;
    RunProgress progress;
    progress.elapsed_seconds = elapsed;
    progress.planned_seconds = planned;
    progress.vus = vus_now();
    const auto reqs = result_.metrics.aggregate("http_reqs");
    const auto failed = result_.metrics.aggregate("http_req_failed");
    progress.requests = static_cast<std::int64_t>(reqs.value.sum);
    progress.failed = failed.value.hits;
    progress.metrics = &result_.metrics;
    options_.on_progress(progress);
  }

  // Merges what the workers flushed since the last take into the result: a timeline point and
  // the vus gauges.
  void take_interval(std::int64_t now, bool final) {
    metrics::MetricSet interval;
    metrics::define_builtin_metrics(interval);
    {
      std::lock_guard lock(control_.mutex);
      std::swap(interval, control_.interval);
    }
    const std::int64_t vus = std::max({interval_vus_, vus_now(), final ? live_vus_ : 0});
    interval_vus_ = 0;
    if (!final) live_vus_ = vus;
    // The workers flushed up to the last interval boundary (at the end: up to now), so the point
    // covers [last boundary, this one]; taking it 50 ms late must not stretch its rate's divisor.
    const std::int64_t covered =
        final ? now : control_.zero_us + (now - control_.zero_us) / control_.flush_interval_us * control_.flush_interval_us;
    const double seconds = static_cast<double>(covered - last_take_) / 1e6;
    // A last sliver of an interval would show a meaningless rate; its samples still count.
    if (seconds * 1e6 >= static_cast<double>(control_.flush_interval_us) / 4) {
      result_.timeline.push_back(timeline_point(interval, static_cast<double>(covered - control_.zero_us) / 1e6, seconds, vus));
    }
    last_take_ = covered;
    result_.metrics.merge(interval);
    if (final && vus_sampled_) return;
    vus_sampled_ = true;
    for (std::size_t s = 0; s < vus_series_.size(); ++s) {
      result_.metrics.at(vus_series_[s]).value.set_gauge(static_cast<double>(scenario_vus(s)));
    }
  }

  void finish() {
    const std::int64_t end = now_us();
    take_interval(end, true);
    result_.duration_seconds = static_cast<double>(end - control_.zero_us) / 1e6;
    result_.protocol_errors = control_.protocol_errors.load();
    if (const char* first = control_.first_protocol_error.load(); first != nullptr) result_.first_protocol_error = first;
    if (phase_.main && result_.protocol_errors > 0) {
      std::cerr << "rsolv-loadgen: warning: " << result_.protocol_errors
                << " responses were refused and counted as failed requests (status 0); the first: "
                << result_.first_protocol_error << " (maxResponseBytes: " << plan_.max_response_bytes
                << " bytes; response headers: at most 1 MiB and 5 interim 1xx responses)\n";
    }
    if (phase_.main)
      result_.thresholds = metrics::evaluate(plan_.thresholds, result_.metrics, result_.duration_seconds);
  }

  const scenario::TestPlan& plan_;
  const RunOptions& options_;
  const Phase& phase_;
  std::unique_ptr<PreparedPlan> prepared_;
  RunControl control_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> pool_;
  std::atomic<int> running_{0};
  std::mutex failure_mutex_;
  std::exception_ptr failure_;  // a worker's, rethrown once every thread has stopped
  RunResult result_;
  std::vector<std::size_t> vus_series_;
  int seen_stops_ = 0;
  std::int64_t last_take_ = 0;
  bool vus_sampled_ = false;  // the end-of-test gauge keeps the last live sample, not the 0 after the end
  std::int64_t live_vus_ = 0;  // the last interval's point too: its requests flowed while these VUs ran
  // The most VUs seen active in the interval (sampled every loop turn): the point is taken 50 ms
  // after its interval ended, when the VUs of a finished scenario are already gone.
  std::int64_t interval_vus_ = 0;
};

RunResult run_phase(const scenario::TestPlan& plan, const RunOptions& options, const Phase& phase) {
  return PhaseRun(plan, options, phase).run();
}

// Why a setup or teardown failed ("" when it did not): an interruption, a failed request or check,
// fewer iterations than asked for, or (setup) a value an iteration did not extract.
std::string phase_failure(const scenario::TestPlan& plan, const scenario::Scenario& flow, const RunResult& run,
                          const scenario::DataTable* rows) {
  if (run.interrupted) return "interrupted by a signal";
  for (const auto& series : run.metrics.all()) {
    if (series.metric != "http_reqs" || series.value.sum <= 0) continue;
    std::string name, status, error;
    bool unexpected = false;
    for (const auto& [key, value] : series.tags) {
      if (key == "name") name = value;
      if (key == "status") status = value;
      if (key == "error") error = value;
      if (key == "expected_response") unexpected = value == "false";
    }
    if (unexpected) {
      return "request '" + name + "' failed (" + (error.empty() ? "status " + status : error) + ", " +
             std::to_string(static_cast<std::int64_t>(series.value.sum)) + " time(s))";
    }
  }
  for (const auto& series : run.metrics.all()) {
    if (series.metric != "checks" || series.value.hits == series.value.total) continue;
    for (const auto& [key, value] : series.tags) {
      if (key == "check") {
        return "check '" + value + "' failed " + std::to_string(series.value.total - series.value.hits) + " time(s)";
      }
    }
  }
  const auto iterations = static_cast<std::int64_t>(run.metrics.aggregate("iterations").value.sum);
  if (iterations < flow.executor.iterations) {
    return "ran " + std::to_string(iterations) + " of its " + std::to_string(flow.executor.iterations) +
           " iterations within maxDuration";
  }
  if (rows != nullptr) {
    for (std::size_t r = 0; r < rows->rows(); ++r) {
      for (std::size_t c = 0; c < rows->columns().size(); ++c) {
        if (rows->cell(r, c).empty()) {
          return "iteration " + std::to_string(r + 1) + " extracted no value for '" + rows->columns()[c] + "'";
        }
      }
    }
  }
  (void)plan;
  return {};
}

PhaseResult to_phase_result(RunResult run, std::string failure) {
  PhaseResult out;
  out.interrupted = run.interrupted;
  out.ran = true;
  out.metrics = std::move(run.metrics);
  out.duration_seconds = run.duration_seconds;
  out.failure = std::move(failure);
  return out;
}

}  // namespace

RunResult run_test(const scenario::TestPlan& plan, const RunOptions& options) {
  std::signal(SIGPIPE, SIG_IGN);  // TLS writes go through write(2); a closed peer must not kill us
  // setup and teardown: once per process (each --segment runs its own), one VU, one thread.
  RunOptions single = options;
  single.threads = 1;
  scenario::DataTable setup_rows;
  PhaseResult setup;
  if (plan.setup) {
    if (plan.setup_source >= 0) setup_rows = plan.data[static_cast<std::size_t>(plan.setup_source)];
    Phase phase{{&*plan.setup}, executors::Segment{}, false, nullptr, plan.setup_source >= 0 ? &setup_rows : nullptr};
    auto run = run_phase(plan, single, phase);
    auto failure = phase_failure(plan, *plan.setup, run, plan.setup_source >= 0 ? &setup_rows : nullptr);
    setup = to_phase_result(std::move(run), std::move(failure));
    if (!setup.failure.empty()) {
      RunResult result;
      result.setup = std::move(setup);
      return result;
    }
  }
  Phase main;
  for (const auto& scenario : plan.scenarios) main.scenarios.push_back(&scenario);
  main.segment = options.segment;
  main.setup_rows = &setup_rows;
  RunResult result = run_phase(plan, options, main);
  result.setup = std::move(setup);
  // The teardown runs whatever the scenarios' outcome (thresholds failed, aborted, one Ctrl-C).
  if (plan.teardown) {
    Phase phase{{&*plan.teardown}, executors::Segment{}, false, &setup_rows, nullptr};
    auto run = run_phase(plan, single, phase);
    auto failure = phase_failure(plan, *plan.teardown, run, nullptr);
    result.teardown = to_phase_result(std::move(run), std::move(failure));
  }
  return result;
}

}  // namespace rsolv::loadgen::runner
