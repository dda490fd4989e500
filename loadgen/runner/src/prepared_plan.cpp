#include "prepared_plan.hpp"

#include <algorithm>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::runner {

namespace {

std::string default_name(const scenario::Step& step) {
  if (!step.name.empty()) return step.name;
  std::string name = step.request.method + " ";
  for (const auto& part : step.request.target.parts()) {
    name += part.kind == scenario::TemplatePartKind::literal ? part.text : "${}";
  }
  return name;
}

}  // namespace

std::unique_ptr<PreparedPlan> prepare_plan(const scenario::TestPlan& plan, executors::Segment segment,
                                           const std::vector<const scenario::Scenario*>& scenarios,
                                           const scenario::DataTable* setup_rows) {
  auto prepared = std::make_unique<PreparedPlan>();
  prepared->plan = &plan;
  for (std::size_t s = 0; s < plan.data.size(); ++s) {
    prepared->tables.push_back(static_cast<int>(s) == plan.setup_source ? setup_rows : &plan.data[s]);
  }
  bool any_tls = false;
  for (const auto& origin : plan.origins) {
    prepared->addresses.push_back(engine::resolve(origin));
    any_tls = any_tls || origin.tls;
  }
  if (any_tls) prepared->tls = std::make_unique<engine::TlsContext>(!plan.insecure_skip_tls_verify, plan.ca_file);

  for (const scenario::Scenario* each : scenarios) {
    const scenario::Scenario& scenario = *each;
    auto ps = std::make_unique<PreparedScenario>();
    ps->scenario = &scenario;
    ps->data = scenario.data;
    ps->data_taken = std::make_unique<std::atomic<std::int64_t>[]>(scenario.data.size());
    ps->executor = executors::make_executor(scenario.executor, segment);
    metrics::Tags scenario_tags = scenario.tags;
    scenario_tags.emplace_back("scenario", scenario.name);
    ps->tags = metrics::normalize_tags(scenario_tags);
    prepared->longest = std::max(prepared->longest, scenario.executor.start_time + ps->executor->hard_stop());
    for (const auto& step : scenario.flow) {
      PreparedStep p;
      p.step = &step;
      if (step.kind == scenario::Step::Kind::request) {
        const scenario::RequestSpec& spec = step.request;
        if (spec.endpoint < 0 || static_cast<std::size_t>(spec.endpoint) >= plan.origins.size()) {
          throw UsageError(step.location + ": the request has no URL origin (give an absolute http:// or https:// URL)");
        }
        p.name = default_name(step);
        p.endpoint = engine::Endpoint{spec.endpoint, &plan.origins[static_cast<std::size_t>(spec.endpoint)],
                                      &prepared->addresses[static_cast<std::size_t>(spec.endpoint)]};
        p.head = spec.method == "HEAD";
        p.expected =
            spec.expected_statuses.empty() ? std::vector<scenario::StatusRange>{{200, 399}} : spec.expected_statuses;
        p.wants_sink = !step.checks.empty() || !step.extracts.empty() || !step.records.empty() ||
                       !step.captured_headers.empty() || step.needs_body || step.needs_json;
        if (!spec.prebuilt.empty()) p.prebuilt = &spec.prebuilt;
        metrics::Tags tags = ps->tags;
        tags.emplace_back("name", p.name);
        tags.emplace_back("method", spec.method);
        for (const auto& tag : step.tags) tags.push_back(tag);  // later wins: the user's tags
        p.tags = metrics::normalize_tags(tags);
      } else {
        p.name = step.name;
      }
      ps->steps.push_back(std::move(p));
    }
    prepared->scenarios.push_back(std::move(ps));
  }
  return prepared;
}

}  // namespace rsolv::loadgen::runner
