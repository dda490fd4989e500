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

namespace rsolv::loadgen {

bool RunResult::thresholds_ok() const {
  return std::all_of(thresholds.begin(), thresholds.end(), [](const ThresholdResult& r) { return r.ok; });
}

namespace {

using runner::RunControl;
using runner::StopMode;
using runner::Worker;

double ms(std::int64_t micros) { return static_cast<double>(micros) / 1000.0; }

TimelinePoint timeline_point(const MetricSet& interval, double t_seconds, double interval_seconds, std::int64_t vus) {
  TimelinePoint point;
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
std::optional<std::string> failing_abort_threshold(const TestPlan& plan, const MetricSet& metrics, double elapsed) {
  for (const auto& threshold : plan.thresholds) {
    std::optional<Aggregate> aggregate;
    for (const auto& condition : threshold.conditions) {
      if (!condition.abort_on_fail || elapsed < static_cast<double>(condition.delay_abort_eval.count()) / 1e6) continue;
      if (!aggregate) aggregate = metrics.aggregate(threshold.metric, threshold.filter);
      if (aggregate->value.empty(aggregate->type)) continue;
      if (!compare(aggregate_value(*aggregate, condition, elapsed), condition.comparison, condition.target)) {
        return threshold.key + ": " + condition.source;
      }
    }
  }
  return std::nullopt;
}

std::int64_t now_us() { return engine::monotonic_us(); }

// What one phase runs: the scenarios, or the setup or teardown flow.
struct Phase {
  std::vector<const Scenario*> scenarios;
  Segment segment;
  bool main = true;  // thresholds (abortOnFail), progress and the protocol-error warning
  const DataTable* setup_rows = nullptr;
  DataTable* collect = nullptr;  // setup: its iterations' extracted values
};

RunResult run_phase(const TestPlan& plan, const RunOptions& options, const Phase& phase) {
  auto prepared = runner::prepare_plan(plan, phase.segment, phase.scenarios, phase.setup_rows);
  if (phase.collect != nullptr) {
    prepared->scenarios.front()->collect = phase.collect;
    prepared->scenarios.front()->collect_variables = plan.setup_columns;
  }
  int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::int64_t total_vus = 0;
  for (const auto& scenario : prepared->scenarios) total_vus += scenario->executor->max_vus();
  // Never more threads than VUs. An arrival-rate schedule is striped over every thread, so each
  // thread needs at least one of its VUs: its maxVUs caps the threads too.
  std::int64_t cap = total_vus;
  for (const auto& scenario : prepared->scenarios) {
    if (scenario->executor->arrival_rate()) cap = std::min(cap, scenario->executor->max_vus());
  }
  threads = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(threads, cap)));
  // Each VU holds one connection: ask for enough descriptors.
  const long wanted = static_cast<long>(total_vus) + 1024;
  if (const long limit = engine::raise_fd_limit(wanted); limit >= 0 && limit < static_cast<long>(total_vus) + 64) {
    throw UsageError("the test needs " + std::to_string(wanted) + " file descriptors (one connection per VU) but the " +
                     "limit is " + std::to_string(limit) + " (raise it with ulimit -n, or run fewer VUs per machine " +
                     "with --segment)");
  }

  RunControl control;
  control.flush_interval_us = std::max<std::int64_t>(10'000, options.flush_interval.count() * 1000);
  define_builtin_metrics(control.interval);
  const std::uint64_t seed = options.seed != 0 ? options.seed : Random().next_u64();
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) workers.push_back(std::make_unique<Worker>(*prepared, control, i, threads, seed));

  // Time zero: once every VU exists (building 10,000 of them takes a moment).
  control.zero = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
  control.zero_us = std::chrono::duration_cast<std::chrono::microseconds>(control.zero.time_since_epoch()).count();
  RunResult result;
  result.segment = phase.segment.str();
  result.started_unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  define_builtin_metrics(result.metrics);
  for (const auto& info : plan.custom_metrics) result.metrics.define(info);

  std::atomic<int> running{threads};
  std::mutex failure_mutex;
  std::exception_ptr failure;  // a worker's, rethrown once every thread has stopped
  std::vector<std::thread> pool;
  for (auto& worker : workers) {
    pool.emplace_back([&, w = worker.get()] {
      try {
        w->run();
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        control.stop_mode.store(StopMode::interrupt);
      }
      running.fetch_sub(1);
    });
  }

  // What the progress line shows as the test's length: the scenarios' planned durations, not the
  // gracefulStop allowance after them (a 3 s test read "/ 33s").
  std::chrono::microseconds planned_active{0};
  for (const auto& scenario : prepared->scenarios) {
    planned_active = std::max(planned_active, scenario->scenario->executor.start_time + scenario->executor->active_duration());
  }
  const double planned_seconds = static_cast<double>(planned_active.count()) / 1e6;
  // vus and vus_max per scenario, summed over this machine's threads (merge sums machines).
  std::vector<std::size_t> vus_series;
  for (const auto& scenario : prepared->scenarios) {
    vus_series.push_back(result.metrics.series_index("vus", scenario->tags));
    result.metrics.at(result.metrics.series_index("vus_max", scenario->tags))
        .value.set_gauge(static_cast<double>(scenario->executor->max_vus()));
  }
  const auto scenario_vus = [&](std::size_t s) {
    std::int64_t vus = 0;
    for (const auto& worker : workers) vus += worker->active_vus(s);
    return vus;
  };
  const auto vus_now = [&] {
    std::int64_t vus = 0;
    for (std::size_t s = 0; s < vus_series.size(); ++s) vus += scenario_vus(s);
    return vus;
  };

  std::int64_t last_take = control.zero_us;
  // Take each interval a little after the workers flushed it.
  std::int64_t next_take = control.zero_us + control.flush_interval_us + 50'000;
  bool vus_sampled = false;  // the end-of-test gauge keeps the last live sample, not the 0 after the end
  std::int64_t live_vus = 0;  // the last interval's point too: its requests flowed while these VUs ran
  // The most VUs seen active in the interval (sampled every loop turn): the point is taken 50 ms
  // after its interval ended, when the VUs of a finished scenario are already gone.
  std::int64_t interval_vus = 0;
  const auto take_interval = [&](std::int64_t now, bool final) {
    MetricSet interval;
    define_builtin_metrics(interval);
    {
      std::lock_guard lock(control.mutex);
      std::swap(interval, control.interval);
    }
    const std::int64_t vus = std::max({interval_vus, vus_now(), final ? live_vus : 0});
    interval_vus = 0;
    if (!final) live_vus = vus;
    // The workers flushed up to the last interval boundary (at the end: up to now), so the point
    // covers [last boundary, this one]; taking it 50 ms late must not stretch its rate's divisor.
    const std::int64_t covered =
        final ? now : control.zero_us + (now - control.zero_us) / control.flush_interval_us * control.flush_interval_us;
    const double seconds = static_cast<double>(covered - last_take) / 1e6;
    // A last sliver of an interval would show a meaningless rate; its samples still count.
    if (seconds * 1e6 >= static_cast<double>(control.flush_interval_us) / 4) {
      result.timeline.push_back(timeline_point(interval, static_cast<double>(covered - control.zero_us) / 1e6, seconds, vus));
    }
    last_take = covered;
    result.metrics.merge(interval);
    if (final && vus_sampled) return;
    vus_sampled = true;
    for (std::size_t s = 0; s < vus_series.size(); ++s) {
      result.metrics.at(vus_series[s]).value.set_gauge(static_cast<double>(scenario_vus(s)));
    }
  };

  // Only a stop requested during this phase stops it: the teardown runs after an interrupted test.
  int seen_stops = options.stop_requests != nullptr ? options.stop_requests->load() : 0;
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::int64_t now = now_us();
    interval_vus = std::max(interval_vus, vus_now());
    if (options.stop_requests != nullptr) {
      const int stops = options.stop_requests->load();
      if (stops != seen_stops) {
        seen_stops = stops;
        result.interrupted = true;
        control.stop_mode.store(stops >= 2 ? StopMode::interrupt : StopMode::graceful);
      }
    }
    if (now < next_take) continue;
    while (next_take <= now) next_take += control.flush_interval_us;
    take_interval(now, false);
    const double elapsed = static_cast<double>(now - control.zero_us) / 1e6;
    if (phase.main && !result.aborted_by_threshold) {
      if (auto failing = failing_abort_threshold(plan, result.metrics, elapsed)) {
        result.aborted_by_threshold = true;
        result.aborting_threshold = *failing;
        control.stop_mode.store(StopMode::interrupt);
      }
    }
    if (phase.main && options.on_progress) {
      RunProgress progress;
      progress.elapsed_seconds = elapsed;
      progress.planned_seconds = planned_seconds;
      progress.vus = vus_now();
      const auto reqs = result.metrics.aggregate("http_reqs");
      const auto failed = result.metrics.aggregate("http_req_failed");
      progress.requests = static_cast<std::int64_t>(reqs.value.sum);
      progress.failed = failed.value.hits;
      progress.metrics = &result.metrics;
      options.on_progress(progress);
    }
  }
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  const std::int64_t end = now_us();
  take_interval(end, true);
  result.duration_seconds = static_cast<double>(end - control.zero_us) / 1e6;
  result.protocol_errors = control.protocol_errors.load();
  if (const char* first = control.first_protocol_error.load(); first != nullptr) result.first_protocol_error = first;
  if (phase.main && result.protocol_errors > 0) {
    std::cerr << "rsolv-loadgen: warning: " << result.protocol_errors
              << " responses were refused and counted as failed requests (status 0); the first: "
              << result.first_protocol_error << " (maxResponseBytes: " << plan.max_response_bytes
              << " bytes; response headers: at most 1 MiB and 5 interim 1xx responses)\n";
  }
  if (phase.main) result.thresholds = evaluate(plan.thresholds, result.metrics, result.duration_seconds);
  return result;
}

// Why a setup or teardown failed ("" when it did not): an interruption, a failed request or check,
// fewer iterations than asked for, or (setup) a value an iteration did not extract.
std::string phase_failure(const TestPlan& plan, const Scenario& flow, const RunResult& run, const DataTable* rows) {
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

RunResult run_test(const TestPlan& plan, const RunOptions& options) {
  std::signal(SIGPIPE, SIG_IGN);  // TLS writes go through write(2); a closed peer must not kill us
  // setup and teardown: once per process (each --segment runs its own), one VU, one thread.
  RunOptions single = options;
  single.threads = 1;
  DataTable setup_rows;
  PhaseResult setup;
  if (plan.setup) {
    if (plan.setup_source >= 0) setup_rows = plan.data[static_cast<std::size_t>(plan.setup_source)];
    Phase phase{{&*plan.setup}, Segment{}, false, nullptr, plan.setup_source >= 0 ? &setup_rows : nullptr};
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
    Phase phase{{&*plan.teardown}, Segment{}, false, &setup_rows, nullptr};
    auto run = run_phase(plan, single, phase);
    auto failure = phase_failure(plan, *plan.teardown, run, nullptr);
    result.teardown = to_phase_result(std::move(run), std::move(failure));
  }
  return result;
}

}  // namespace rsolv::loadgen
