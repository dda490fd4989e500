#include "worker.hpp"

#include <nlohmann/json.hpp>
#include <sys/prctl.h>

#include <ctime>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <regex>
#include <utility>

#include "data_rows.hpp"
#include "rsolv/http/url.hpp"
#include "rsolv/loadgen/scenario/checks.hpp"
#include "rsolv/loadgen/scenario/request_render.hpp"

namespace rsolv::loadgen::runner {

namespace {

constexpr std::int64_t kTickUs = 10'000;         // schedule checks (VU targets) at most this far apart
constexpr std::int64_t kTimeoutSweepUs = 50'000;  // request timeouts are checked this often
constexpr std::size_t kReadBufferSize = 64 * 1024;
constexpr std::size_t kMaxCapturedBody = 8 * 1024 * 1024;

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool exhaustible(const executors::Executor& executor) {
  return executor.kind() == executors::ExecutorKind::per_vu_iterations ||
         executor.kind() == executors::ExecutorKind::shared_iterations;
}

// The step's checks, each recorded in the `checks` rate; true when all passed.
bool record_checks(const scenario::Step& spec, const scenario::ResponseView& view,
                   const std::vector<std::size_t>& series, metrics::MetricSet& metrics) {
  bool all_passed = true;
  for (std::size_t i = 0; i < spec.checks.size(); ++i) {
    const bool passed = scenario::evaluate_check(spec.checks[i], view);
    all_passed = all_passed && passed;
    metrics.at(series[i]).value.add_rate(passed);
  }
  return all_passed;
}

// The step's extractions into the VU's variables; one that finds nothing leaves its variable as it was.
void extract_values(const scenario::Step& spec, const nlohmann::json* json, VuData& data) {
  for (const auto& extraction : spec.extracts) {
    if (extraction.variable < 0 || static_cast<std::size_t>(extraction.variable) >= data.variables.size()) continue;
    std::string& target = data.variables[static_cast<std::size_t>(extraction.variable)];
    switch (extraction.source) {
      case scenario::Extraction::Source::json:
        if (json != nullptr) {
          if (const auto* value = extraction.path.find(*json)) target = scenario::json_scalar_text(*value);
        }
        break;
      case scenario::Extraction::Source::header:
        if (extraction.header_slot >= 0 && static_cast<std::size_t>(extraction.header_slot) < data.headers.size()) {
          if (const auto& value = data.headers[static_cast<std::size_t>(extraction.header_slot)]) target = *value;
        }
        break;
      case scenario::Extraction::Source::regex:
        if (extraction.regex) {
          std::smatch match;
          if (std::regex_search(data.body, match, *extraction.regex)) target = match.size() > 1 ? match[1].str() : match[0].str();
        }
        break;
    }
  }
}

// How the request went, for recordings `from: checks` and `from: ok`.
struct ResponseOutcome {
  bool all_checks_passed;
  bool ok;
};

// The value a recording takes from this response, or none (a JSON path or variable that holds no number).
std::optional<double> recorded_value(const scenario::Recording& record, const scenario::ResponseView& view,
                                     const std::vector<std::string>& variables, ResponseOutcome outcome) {
  switch (record.source) {
    case scenario::Recording::Source::constant: return record.constant;
    case scenario::Recording::Source::checks: return outcome.all_checks_passed ? 1 : 0;
    case scenario::Recording::Source::ok: return outcome.ok ? 1 : 0;
    case scenario::Recording::Source::duration: return static_cast<double>(view.duration.count()) / 1000.0;
    case scenario::Recording::Source::status: return view.status;
    case scenario::Recording::Source::json: {
      const auto* found = view.json != nullptr ? record.path.find(*view.json) : nullptr;
      if (found == nullptr || !(found->is_number() || found->is_boolean())) return std::nullopt;
      return found->is_boolean() ? (found->get<bool>() ? 1 : 0) : found->get<double>();
    }
    case scenario::Recording::Source::variable: {
      if (record.variable < 0 || static_cast<std::size_t>(record.variable) >= variables.size()) return std::nullopt;
      const std::string& text = variables[static_cast<std::size_t>(record.variable)];
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (end == text.c_str()) return std::nullopt;
      return value;
    }
  }
  return std::nullopt;
}

// The step's recordings into its custom metrics.
void record_custom_metrics(const scenario::Step& spec, const scenario::ResponseView& view,
                           const std::vector<std::string>& variables, ResponseOutcome outcome,
                           const std::vector<std::size_t>& series, metrics::MetricSet& metrics) {
  for (std::size_t i = 0; i < spec.records.size(); ++i) {
    const scenario::Recording& record = spec.records[i];
    const auto value = recorded_value(record, view, variables, outcome);
    if (!value) continue;
    metrics::SeriesValue& target = metrics.at(series[i]).value;
    switch (record.type) {
      case metrics::MetricType::counter: target.add_counter(*value); break;
      case metrics::MetricType::rate: target.add_rate(*value != 0); break;
      case metrics::MetricType::gauge: target.set_gauge(*value); break;
      case metrics::MetricType::trend: target.add_trend(*value); break;
    }
  }
}

}  // namespace

void Vu::on_header(std::string_view name, std::string_view value) {
  if (!data || data->capturing == nullptr) return;
  const auto& wanted = data->capturing->captured_headers;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (!data->headers[i] && http::iequals(name, wanted[i])) data->headers[i] = std::string(value);
  }
}

void Vu::on_body(std::string_view bytes) {
  if (!data || data->capturing == nullptr) return;
  if (data->body.size() + bytes.size() <= kMaxCapturedBody) data->body.append(bytes);
}

Worker::Worker(PreparedPlan& plan, RunControl& control, int index, int threads, std::uint64_t seed)
    : plan_(plan),
      control_(control),
      index_(index),
      threads_(threads),
      read_buffer_(kReadBufferSize),
      random_(seed + 0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(index + 1)) {
  context_.loop = &loop_;
  context_.read_buffer = read_buffer_.data();
  context_.read_buffer_size = read_buffer_.size();
  context_.tls = plan.tls.get();
  context_.max_response_bytes = plan.plan->max_response_bytes;
  setup();
}

Worker::~Worker() = default;

void Worker::setup() {
  const scenario::TestPlan& plan = *plan_.plan;
  metrics::define_builtin_metrics(metrics_);
  for (const auto& info : plan.custom_metrics) metrics_.define(info);
  runs_.reserve(plan_.scenarios.size());
  published_ = std::make_unique<std::atomic<std::int64_t>[]>(plan_.scenarios.size());
  for (std::size_t s = 0; s < plan_.scenarios.size(); ++s) {
    PreparedScenario& prepared = *plan_.scenarios[s];
    ScenarioRun run;
    run.prepared = &prepared;
    run.driver =
        std::make_unique<executors::ScheduleDriver>(*prepared.executor, SystemClock::instance(), index_, threads_);
    run.first_vu = vus_.size();
    run.vu_count = static_cast<std::size_t>(std::max<std::int64_t>(0, run.driver->slots()));
    for (std::size_t slot = 0; slot < run.vu_count; ++slot) {
      Vu& vu = vus_.emplace_back();
      const auto index = static_cast<std::uint32_t>(vus_.size() - 1);
      vu.connection.bind(&context_, this, index);
      vu.slot = static_cast<std::int64_t>(slot);
      vu.global_vu = run.driver->global_vu(vu.slot);
      vu.scenario = static_cast<std::uint32_t>(s);
      vu.rows.assign(plan_.tables.size(), 0);
    }
    if (prepared.executor->arrival_rate()) {
      run.initialized = std::min<std::int64_t>(run.driver->initial_slots(), static_cast<std::int64_t>(run.vu_count));
      for (std::int64_t i = run.initialized - 1; i >= 0; --i) {
        run.free.push_back(static_cast<std::uint32_t>(run.first_vu + static_cast<std::size_t>(i)));
      }
    }
    const metrics::Tags& tags = prepared.tags;
    run.iterations = metrics_.series_index("iterations", tags);
    run.iteration_duration = metrics_.series_index("iteration_duration", tags);
    run.data_sent = metrics_.series_index("data_sent", tags);
    run.data_received = metrics_.series_index("data_received", tags);
    run.dropped = metrics_.series_index("dropped_iterations", tags);
    run.steps.resize(prepared.steps.size());
    for (std::size_t i = 0; i < prepared.steps.size(); ++i) {
      const PreparedStep& step = prepared.steps[i];
      for (const auto& check : step.step->checks) {
        metrics::Tags check_tags = step.tags;
        check_tags.emplace_back("check", check.name);
        run.steps[i].checks.push_back(metrics_.series_index("checks", metrics::normalize_tags(std::move(check_tags))));
      }
      for (const auto& record : step.step->records) {
        run.steps[i].records.push_back(metrics_.series_index(record.metric, step.tags));
      }
    }
    runs_.push_back(std::move(run));
  }
  timers_.reserve(vus_.size() + 16);
  ready_.reserve(vus_.size() + 16);
  ready_swap_.reserve(vus_.size() + 16);
  paused_.reserve(vus_.size());
  paused_swap_.reserve(vus_.size());
}

void Worker::run() {
  std::array<epoll_event, 512> events{};
  // Sleeps end when asked, not up to 50 us later (the default timer slack): the batching nap is
  // a few microseconds, and arrival-rate schedules wake on time.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
  // Time zero is set by the coordinator after every worker built its VUs.
  for (auto& run : runs_) {
    const auto start_time = run.prepared->scenario->executor.start_time;
    run.driver->start(control_.zero + start_time);
    run.start_us = control_.zero_us + start_time.count();
  }
  std::int64_t next_flush = control_.zero_us + control_.flush_interval_us;
  std::int64_t next_tick = 0;
  std::int64_t next_sweep = 0;
  for (;;) {
    std::int64_t now = engine::monotonic_us();
    const bool tick = now >= next_tick;
    if (tick) next_tick = now + kTickUs;
    bool all_finished = true;
    for (auto& run : runs_) {
      if (tick || run.prepared->executor->arrival_rate()) drive(run, now);
      all_finished = all_finished && run.finished;
    }
    if (all_finished) break;
    fire_timers(now);
    run_ready();
    if (now >= next_sweep) {
      sweep_timeouts(now);
      next_sweep = now + kTimeoutSweepUs;
    }
    if (now >= next_flush) {
      flush();
      while (next_flush <= now) next_flush += control_.flush_interval_us;
    }
    if (!ready_.empty()) continue;
    // A paused connection has bytes waiting: poll without sleeping, then read on.
    const std::int64_t wake = paused_.empty() ? std::min({next_wakeup(now, next_sweep, next_flush), next_tick}) : now;
    const auto ready = wait_for_events(events, std::max<std::int64_t>(0, wake - now));
    for (const auto& event : ready) {
      const auto index = static_cast<std::uint32_t>(event.data.u64 >> 32);
      vus_[index].connection.on_event(event.events, static_cast<std::uint32_t>(event.data.u64));
    }
    resume_paused();
    run_ready();
  }
  flush();
  for (auto& vu : vus_) vu.connection.close(true);
}

std::span<epoll_event> Worker::wait_for_events(std::span<epoll_event> events, std::int64_t timeout_us) {
  const std::int64_t nap = batching_.nap_us(in_flight_);
  if (nap == 0 || timeout_us <= nap) return loop_.wait(events, timeout_us);
  // Responses already here are read at once; only an empty poll is followed by the nap.
  if (const auto ready = loop_.wait(events, 0); !ready.empty()) return ready;
  const timespec pause{0, static_cast<long>(nap * 1000)};
  nanosleep(&pause, nullptr);
  return loop_.wait(events, timeout_us - nap);
}

std::int64_t Worker::next_wakeup(std::int64_t now, std::int64_t next_sweep, std::int64_t next_flush) const {
  std::int64_t wake = std::min(next_sweep, next_flush);
  if (const auto at = timers_.next_at()) wake = std::min(wake, *at);
  for (const auto& run : runs_) {
    if (run.finished) continue;
    if (run.stopping) {
      wake = std::min(wake, run.hard_stop_us);
      continue;
    }
    if (now < run.start_us) {
      wake = std::min(wake, run.start_us);
      continue;
    }
    if (run.prepared->executor->arrival_rate() &&
        (!run.free.empty() || run.initialized < static_cast<std::int64_t>(run.vu_count))) {
      if (const auto at = run.driver->next_arrival()) wake = std::min(wake, run.start_us + at->count());
    }
  }
  return wake;
}

void Worker::drive(ScenarioRun& run, std::int64_t now) {
  if (run.finished) return;
  const executors::Executor& executor = *run.prepared->executor;
  if (!run.retiring.empty()) {
    std::erase_if(run.retiring, [&](std::uint32_t index) {
      Vu& vu = vus_[index];
      if (!vu.in_iteration || vu.retire_at_us == 0) return true;
      if (now < vu.retire_at_us) return false;
      interrupt_vu(run, vu);
      return true;
    });
  }
  if (!run.stopping) {
    const bool stop_requested = control_.stop_mode.load(std::memory_order_relaxed) != StopMode::running;
    const bool duration_over = now >= run.start_us + executor.active_duration().count();
    // Iterations that fell due before the end still start when a VU is free, even if this thread
    // woke a little after the end: only those no VU could take are dropped.
    if (duration_over && !stop_requested && executor.arrival_rate()) start_due_arrivals(run, now);
    if (stop_requested || duration_over || run.data_exhausted) begin_stop(run, now);
  }
  if (run.stopping) {
    if (control_.stop_mode.load(std::memory_order_relaxed) == StopMode::interrupt || now >= run.hard_stop_us) interrupt(run);
    if (run.running == 0) {
      // Arrivals left after a data source ran out were not dropped for want of a VU: not counted.
      const std::int64_t dropped = run.data_exhausted ? 0 : run.driver->untaken();
      if (dropped > 0) metrics_.at(run.dropped).value.add_counter(static_cast<double>(dropped));
      run.finished = true;
    }
    return;
  }
  if (now < run.start_us) return;

  if (executor.arrival_rate()) {
    start_due_arrivals(run, now);
    return;
  }

  const std::int64_t target = std::min<std::int64_t>(run.driver->target_slots(), static_cast<std::int64_t>(run.vu_count));
  if (target != run.target) {
    const std::int64_t old_target = run.target;
    run.target = target;
    retire(run, old_target, now);
    for (std::int64_t slot = 0; slot < target; ++slot) {
      const auto index = static_cast<std::uint32_t>(run.first_vu + static_cast<std::size_t>(slot));
      Vu& vu = vus_[index];
      if (!vu.in_iteration && !vu.exhausted && can_start(run, vu)) start_iteration(run, index, now, -1);
    }
  }
  if (run.running == 0 && exhaustible(executor)) {
    // Every VU ran its share of iterations: the scenario ends before its maxDuration.
    bool any_left = false;
    for (std::size_t i = 0; i < run.vu_count && !any_left; ++i) any_left = !vus_[run.first_vu + i].exhausted;
    if (!any_left) begin_stop(run, now);
  }
}

void Worker::start_due_arrivals(ScenarioRun& run, std::int64_t now) {
  for (;;) {
    const bool have_free = !run.free.empty();
    if (!have_free && run.initialized >= static_cast<std::int64_t>(run.vu_count)) break;
    const auto at = run.driver->take_due();
    if (!at) break;
    std::uint32_t index;
    if (have_free) {
      index = run.free.back();
      run.free.pop_back();
    } else {
      index = static_cast<std::uint32_t>(run.first_vu + static_cast<std::size_t>(run.initialized++));
    }
    if (!take_data_rows(run, vus_[index])) {
      run.free.push_back(index);
      break;
    }
    start_iteration(run, index, now, run.start_us + at->count());
  }
}

void Worker::begin_stop(ScenarioRun& run, std::int64_t now) {
  run.stopping = true;
  const executors::Executor& executor = *run.prepared->executor;
  run.hard_stop_us = run.start_us + executor.hard_stop().count();
  if (control_.stop_mode.load(std::memory_order_relaxed) != StopMode::running) {
    run.hard_stop_us = std::min(run.hard_stop_us, now + executor.config().graceful_stop.count());
  }
}

void Worker::interrupt(ScenarioRun& run) {
  for (std::size_t i = 0; i < run.vu_count; ++i) interrupt_vu(run, vus_[run.first_vu + i]);
}

void Worker::interrupt_vu(ScenarioRun& run, Vu& vu) {
  // An interrupted iteration counts in no metric (as in k6): it did not finish.
  if (!vu.in_iteration) return;
  if (vu.state == VuState::requesting) vu.connection.abort(engine::Failure::aborted);
  ++vu.timer_generation;
  vu.in_iteration = false;
  vu.state = VuState::parked;
  vu.retire_at_us = 0;
  --run.running;
  --active_;
}

void Worker::retire(ScenarioRun& run, std::int64_t old_target, std::int64_t now) {
  // ramping-vus: VUs above a lowered target finish their iteration within gracefulRampDown;
  // VUs back under a raised target are no longer retiring.
  const auto grace = run.prepared->executor->config().graceful_ramp_down.count();
  for (std::int64_t slot = std::max<std::int64_t>(0, run.target); slot < old_target; ++slot) {
    const auto index = static_cast<std::uint32_t>(run.first_vu + static_cast<std::size_t>(slot));
    Vu& vu = vus_[index];
    if (vu.in_iteration && vu.retire_at_us == 0) {
      vu.retire_at_us = now + grace;
      run.retiring.push_back(index);
    }
  }
  for (std::int64_t slot = std::max<std::int64_t>(0, old_target); slot < run.target; ++slot) {
    vus_[run.first_vu + static_cast<std::size_t>(slot)].retire_at_us = 0;
  }
}

bool Worker::can_start(ScenarioRun& run, Vu& vu) {
  const executors::Executor& executor = *run.prepared->executor;
  if (const auto per_vu = executor.iterations_per_vu(); per_vu >= 0 && vu.iteration >= per_vu) {
    vu.exhausted = true;
    return false;
  }
  if (const auto shared = executor.shared_iterations(); shared >= 0) {
    if (run.prepared->shared_claimed.fetch_add(1, std::memory_order_relaxed) >= shared) {
      vu.exhausted = true;
      return false;
    }
  }
  return take_data_rows(run, vu);
}

bool Worker::take_data_rows(ScenarioRun& run, Vu& vu) {
  if (run.prepared->data.empty()) return true;
  if (!run.data_exhausted && take_rows(*run.prepared, plan_.tables, vu.global_vu, random_, vu.rows.data())) return true;
  run.data_exhausted = true;
  return false;
}

// The setup phase: the values this iteration extracted become one row of the source "setup";
// they are cleared for the next iteration, so a value it fails to extract reads empty.
void Worker::collect_setup_row(ScenarioRun& run, Vu& vu) {
  scenario::DataTable* table = run.prepared->collect;
  std::vector<std::string> cells;
  for (const int variable : run.prepared->collect_variables) {
    cells.push_back(vu.data ? std::exchange(vu.data->variables[static_cast<std::size_t>(variable)], std::string()) : std::string());
  }
  table->add_row(std::move(cells));
}

void Worker::start_iteration(ScenarioRun& run, std::uint32_t index, std::int64_t now, std::int64_t intended) {
  Vu& vu = vus_[index];
  vu.in_iteration = true;
  ++run.running;
  ++active_;
  vu.iteration_start_us = intended >= 0 ? intended : now;
  vu.intended_us = intended;
  vu.step = 0;
  advance(index, now);
}

void Worker::advance(std::uint32_t index, std::int64_t now) {
  Vu& vu = vus_[index];
  ScenarioRun& run = runs_[vu.scenario];
  const auto& steps = run.prepared->steps;
  while (vu.step < steps.size()) {
    const PreparedStep& prepared = steps[vu.step];
    const scenario::Step& step = *prepared.step;
    if (step.once && vu.iteration > 0) {
      ++vu.step;
      continue;
    }
    if (step.kind == scenario::Step::Kind::sleep) {
      if (!step.sleep.set()) {
        ++vu.step;
        continue;
      }
      vu.state = VuState::sleeping;
      const auto pause = random_.uniform(step.sleep.min.count(), step.sleep.max.count());
      timers_.push({now + pause, index, ++vu.timer_generation});
      return;
    }
    start_request(run, index, prepared, now);
    return;
  }
  end_iteration(run, index, now);
}

void Worker::start_request(ScenarioRun& run, std::uint32_t index, const PreparedStep& step, std::int64_t now) {
  Vu& vu = vus_[index];
  const scenario::Step& spec = *step.step;
  vu.state = VuState::requesting;
  vu.deadline_us = now + spec.request.timeout.count();
  const std::size_t variables = plan_.plan->variables.size();
  if ((step.wants_sink || variables > 0) && !vu.data) {
    // A VU's variables start from the file's `vars:` and keep what its steps extract.
    vu.data = std::make_unique<VuData>();
    const auto& initial = plan_.plan->initial_values;
    vu.data->variables.resize(variables);
    for (std::size_t i = 0; i < variables && i < initial.size(); ++i) {
      if (initial[i]) vu.data->variables[i] = *initial[i];
    }
  }
  const char* data;
  std::size_t size;
  if (step.prebuilt != nullptr) {
    data = step.prebuilt->data();
    size = step.prebuilt->size();
  } else {
    scenario::TemplateContext context;
    context.vu = vu.global_vu;
    context.iter = vu.iteration;
    context.now_ms = unix_now_ms();
    context.scenario = run.prepared->scenario->name;
    context.variables = vu.data ? &vu.data->variables : nullptr;
    context.random = &random_;
    context.tables = plan_.tables.data();
    context.rows = vu.rows.data();
    vu.request.clear();
    scenario::render_request(vu.request, spec.request, *plan_.plan, context, scratch_);
    data = vu.request.data();
    size = vu.request.size();
  }
  if (step.wants_sink) {
    vu.data->capturing = &spec;
    vu.data->headers.assign(spec.captured_headers.size(), std::nullopt);
    vu.data->body.clear();
  }
  ++in_flight_;
  vu.connection.start(step.endpoint, data, size, step.head, step.wants_sink ? &vu : nullptr, now);
}

void Worker::on_request_done(engine::Connection& connection, engine::Failure failure) {
  --in_flight_;
  if (failure == engine::Failure::aborted) return;  // interrupt() ends the VU's iteration itself
  if (failure == engine::Failure::protocol) {
    control_.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    const char* none = nullptr;
    control_.first_protocol_error.compare_exchange_strong(none, connection.response().error(), std::memory_order_relaxed);
  }
  const auto index = static_cast<std::uint32_t>(connection.epoll_tag() >> 32);
  Vu& vu = vus_[index];
  ScenarioRun& run = runs_[vu.scenario];
  record_response(run, vu, run.prepared->steps[vu.step], failure);
  vu.intended_us = -1;  // later requests of the iteration count from their own send
  vu.state = VuState::responded;
  ready_.push_back(index);
}

void Worker::on_read_paused(engine::Connection& connection) {
  paused_.push_back(static_cast<std::uint32_t>(connection.epoll_tag() >> 32));
}

void Worker::resume_paused() {
  if (paused_.empty()) return;
  paused_swap_.swap(paused_);
  for (const auto index : paused_swap_) vus_[index].connection.resume();
  paused_swap_.clear();
}

Worker::StatusSeries& Worker::status_series(ScenarioRun& run, std::uint32_t step, int status, bool expected,
                                            const engine::FailureReason& reason) {
  auto& list = run.steps[step].by_status;
  const int key = expected ? status : -status - 1;
  for (auto& entry : list) {
    if (entry.status == key && entry.error_code == reason.code && entry.error_detail == reason.detail) return entry;
  }
  metrics::Tags tags = run.prepared->steps[step].tags;
  tags.emplace_back("status", std::to_string(status));
  tags.emplace_back("expected_response", expected ? "true" : "false");
  if (reason.code != 0) {
    tags.emplace_back("error_code", std::to_string(reason.code));
    // A response's own status says what went wrong; a transport failure has its reason's text.
    tags.emplace_back("error", status != 0 ? (expected ? "status " : "unexpected status ") + std::to_string(status)
                                           : reason.text());
  }
  tags = metrics::normalize_tags(std::move(tags));
  StatusSeries entry;
  entry.status = key;
  entry.error_code = reason.code;
  entry.error_detail = reason.detail;
  entry.reqs = metrics_.series_index("http_reqs", tags);
  entry.failed = metrics_.series_index("http_req_failed", tags);
  entry.duration = metrics_.series_index("http_req_duration", tags);
  entry.waiting = metrics_.series_index("http_req_waiting", tags);
  entry.connecting = metrics_.series_index("http_req_connecting", tags);
  entry.tls = metrics_.series_index("http_req_tls_handshaking", tags);
  entry.sending = metrics_.series_index("http_req_sending", tags);
  entry.receiving = metrics_.series_index("http_req_receiving", tags);
  list.push_back(entry);
  return list.back();
}

void Worker::record_response(ScenarioRun& run, Vu& vu, const PreparedStep& step, engine::Failure failure) {
  const engine::Connection& connection = vu.connection;
  const engine::Timings& t = connection.timings();
  const bool answered = failure == engine::Failure::none;
  const int status = answered ? connection.response().status_code() : 0;
  const bool expected = answered && scenario::status_in(step.expected, status);
  // k6's error_code: the transport failure's, 1000 + status for a response >= 400, and (not in k6,
  // which leaves it untagged) 1000 for a response below 400 that `expect` did not list.
  engine::FailureReason reason;
  if (!answered) {
    reason = engine::failure_reason(failure, connection.error_code(), connection.response().error(),
                                    connection.bytes_received() > 0);
  } else if (status >= 400 || !expected) {
    reason.code = status >= 400 ? engine::kErrorGeneric + status : engine::kErrorGeneric;
  }
  StatusSeries& series = status_series(run, vu.step, status, expected, reason);
  metrics_.at(series.reqs).value.add_counter(1);
  metrics_.at(series.failed).value.add_rate(!expected);
  std::int64_t start = t.write_start_us != 0 ? t.write_start_us : t.begin_us;
  if (vu.intended_us >= 0 && vu.intended_us < start) start = vu.intended_us;
  const std::int64_t duration = std::max<std::int64_t>(0, t.done_us - start);
  if (answered || failure == engine::Failure::timeout) metrics_.at(series.duration).value.add_trend_raw(duration);
  if (answered) batching_.observe(duration);
  if (answered) {
    if (t.first_byte_us != 0 && t.sent_us != 0) {
      metrics_.at(series.waiting).value.add_trend_raw(std::max<std::int64_t>(0, t.first_byte_us - t.sent_us));
      metrics_.at(series.receiving).value.add_trend_raw(std::max<std::int64_t>(0, t.done_us - t.first_byte_us));
    }
    if (t.sent_us != 0) metrics_.at(series.sending).value.add_trend_raw(std::max<std::int64_t>(0, t.sent_us - t.write_start_us));
  }
  if (t.connect_start_us != 0 && t.connected_us != 0) {
    metrics_.at(series.connecting).value.add_trend_raw(std::max<std::int64_t>(0, t.connected_us - t.connect_start_us));
    if (t.handshake_done_us != 0) {
      metrics_.at(series.tls).value.add_trend_raw(std::max<std::int64_t>(0, t.handshake_done_us - t.connected_us));
    }
  }
  metrics_.at(run.data_sent).value.add_counter(static_cast<double>(connection.bytes_sent()));
  metrics_.at(run.data_received).value.add_counter(static_cast<double>(connection.bytes_received()));
  if (step.wants_sink) inspect_response(run, vu, step, status, duration, expected);
}

void Worker::inspect_response(ScenarioRun& run, Vu& vu, const PreparedStep& step, int status, std::int64_t duration_us,
                              bool ok) {
  VuData& data = *vu.data;
  const scenario::Step& spec = *step.step;
  const StepSeries& series = run.steps[vu.step];
  nlohmann::json document;
  const nlohmann::json* json = nullptr;
  if (spec.needs_json && !data.body.empty()) {
    document = nlohmann::json::parse(data.body, nullptr, false);
    if (!document.is_discarded()) json = &document;
  }
  scenario::ResponseView view;
  view.status = status;
  view.duration = executors::Micros{duration_us};
  view.headers = &data.headers;
  view.body = data.body;
  view.json = json;
  const bool all_passed = record_checks(spec, view, series.checks, metrics_);
  extract_values(spec, json, data);
  record_custom_metrics(spec, view, data.variables, {all_passed, ok}, series.records, metrics_);
  data.capturing = nullptr;
}

void Worker::end_iteration(ScenarioRun& run, std::uint32_t index, std::int64_t now) {
  Vu& vu = vus_[index];
  vu.retire_at_us = 0;
  if (run.prepared->collect != nullptr) collect_setup_row(run, vu);
  metrics_.at(run.iterations).value.add_counter(1);
  metrics_.at(run.iteration_duration).value.add_trend_raw(std::max<std::int64_t>(0, now - vu.iteration_start_us));
  ++vu.iteration;
  vu.in_iteration = false;
  vu.state = VuState::parked;
  --run.running;
  --active_;
  if (run.stopping) return;
  if (run.prepared->executor->arrival_rate()) {
    run.free.push_back(index);
    return;
  }
  // Looping: go again unless the VU ramped away or ran its share. Through the ready queue, so a
  // flow that never waits cannot recurse.
  if (vu.slot < run.target && can_start(run, vu)) {
    vu.in_iteration = true;
    ++run.running;
    ++active_;
    vu.state = VuState::responded;
    vu.step = static_cast<std::uint32_t>(run.prepared->steps.size());  // "after the last step"
    vu.iteration_start_us = now;
    vu.intended_us = -1;
    ready_.push_back(index);
  }
}

void Worker::run_ready() {
  if (ready_.empty()) return;
  ready_swap_.swap(ready_);
  const std::int64_t now = engine::monotonic_us();
  for (const auto index : ready_swap_) {
    Vu& vu = vus_[index];
    if (vu.state != VuState::responded || !vu.in_iteration) continue;
    ScenarioRun& run = runs_[vu.scenario];
    const auto& steps = run.prepared->steps;
    if (vu.step >= steps.size()) {
      // A new iteration queued by end_iteration.
      vu.step = 0;
      advance(index, now);
      continue;
    }
    const scenario::Step& step = *steps[vu.step].step;
    if (step.sleep.set()) {
      vu.state = VuState::sleeping;
      const auto pause = random_.uniform(step.sleep.min.count(), step.sleep.max.count());
      timers_.push({now + pause, index, ++vu.timer_generation});
      continue;
    }
    ++vu.step;
    advance(index, now);
  }
  ready_swap_.clear();
}

void Worker::fire_timers(std::int64_t now) {
  while (const auto timer = timers_.pop_due(now)) {
    Vu& vu = vus_[timer->owner];
    if (vu.timer_generation != timer->generation || vu.state != VuState::sleeping) continue;
    ++vu.step;
    advance(timer->owner, now);
  }
}

void Worker::sweep_timeouts(std::int64_t now) {
  for (auto& vu : vus_) {
    if (vu.state == VuState::requesting && vu.connection.busy() && now >= vu.deadline_us) {
      vu.connection.abort(engine::Failure::timeout);
    }
  }
  publish_active();
}

// k6's `vus`: the VUs a scenario has active, not only those inside an iteration at this instant
// (a fast target leaves a 1-VU or arrival-rate run between iterations almost always: it read 0).
// Looping executors: the slots that should iterate; arrival-rate: the VUs brought up so far;
// while stopping, those still finishing an iteration.
void Worker::publish_active() {
  for (std::size_t s = 0; s < runs_.size(); ++s) {
    const ScenarioRun& run = runs_[s];
    std::int64_t active = run.running;
    if (!run.stopping && !run.finished) {
      active = std::max(active, run.prepared->executor->arrival_rate() ? run.initialized : run.target);
    }
    published_[s].store(active, std::memory_order_relaxed);
  }
}

void Worker::flush() {
  {
    std::lock_guard lock(control_.mutex);
    control_.interval.merge(metrics_);
  }
  for (std::size_t i = 0; i < metrics_.size(); ++i) metrics_.at(i).value.reset();
  publish_active();
}

}  // namespace rsolv::loadgen::runner
