// Executors' schedules at given times, and --segment K/N: the N slices make exactly the whole test.
#include <gtest/gtest.h>

#include <set>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/executors/executor.hpp"
#include "rsolv/loadgen/executors/schedule_driver.hpp"

namespace rsolv::loadgen::executors {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

ExecutorConfig constant_rate(std::int64_t rate, Micros unit, Micros duration) {
  ExecutorConfig c;
  c.kind = ExecutorKind::constant_arrival_rate;
  c.rate = rate;
  c.time_unit = unit;
  c.duration = duration;
  c.pre_allocated_vus = 10;
  c.max_vus = 20;
  return c;
}

ExecutorConfig ramping_rate() {
  ExecutorConfig c;
  c.kind = ExecutorKind::ramping_arrival_rate;
  c.start_rate = 0;
  c.time_unit = seconds(1);
  c.stages = {{seconds(10), 100}, {seconds(5), 100}, {seconds(10), 0}};
  c.pre_allocated_vus = 7;
  return c;
}

ExecutorConfig ramping_vus() {
  ExecutorConfig c;
  c.kind = ExecutorKind::ramping_vus;
  c.start_vus = 0;
  c.stages = {{seconds(10), 10}, {seconds(10), 10}, {seconds(5), 0}};
  return c;
}

std::vector<Micros> all_starts(const Executor& e) {
  std::vector<Micros> out;
  for (std::int64_t n = 0;; ++n) {
    const auto at = e.iteration_start(n);
    if (!at) break;
    out.push_back(*at);
  }
  return out;
}

TEST(Executors, ConstantArrivalRateSpacesIterationsEvenly) {
  const auto e = make_executor(constant_rate(1000, seconds(60), seconds(60)));
  EXPECT_TRUE(e->arrival_rate());
  EXPECT_EQ(e->planned_iterations(), 1000);
  EXPECT_EQ(e->iteration_start(0), Micros{0});
  EXPECT_EQ(e->iteration_start(1), milliseconds(60));
  EXPECT_EQ(e->iteration_start(999), milliseconds(59'940));
  EXPECT_FALSE(e->iteration_start(1000).has_value());
  EXPECT_EQ(e->initial_vus(), 10);
  EXPECT_EQ(e->max_vus(), 20);
  EXPECT_EQ(e->hard_stop(), seconds(90));
}

TEST(Executors, RampingArrivalRateFollowsTheAreaUnderTheRate) {
  const auto e = make_executor(ramping_rate());
  // 0->100/s over 10 s (500), 100/s for 5 s (500), 100->0 over 10 s (500).
  EXPECT_EQ(e->planned_iterations(), 1500);
  const auto starts = all_starts(*e);
  ASSERT_EQ(starts.size(), 1500u);
  EXPECT_TRUE(std::is_sorted(starts.begin(), starts.end()));
  // Iteration 125 is where the area 5 t^2 reaches 125: t = 5 s.
  EXPECT_NEAR(static_cast<double>(starts[125].count()), 5e6, 1);
  EXPECT_NEAR(static_cast<double>(starts[500].count()), 10e6, 1);
  EXPECT_NEAR(static_cast<double>(starts[750].count()), 12.5e6, 1);
  EXPECT_LT(starts.back(), seconds(25));
  // Half the iterations fall in each half of the symmetric profile.
  const auto before =
      std::count_if(starts.begin(), starts.end(), [](Micros t) { return t < milliseconds(12'500); });
  EXPECT_EQ(before, 750);
}

TEST(Executors, RampingVusFollowsStages) {
  const auto e = make_executor(ramping_vus());
  EXPECT_EQ(e->max_vus(), 10);
  EXPECT_EQ(e->target_vus(Micros{0}), 0);
  EXPECT_EQ(e->target_vus(seconds(5)), 5);
  EXPECT_EQ(e->target_vus(milliseconds(9'999)), 9);
  EXPECT_EQ(e->target_vus(seconds(10)), 10);
  EXPECT_EQ(e->target_vus(seconds(19)), 10);
  EXPECT_EQ(e->target_vus(milliseconds(22'500)), 5);
  EXPECT_EQ(e->target_vus(seconds(25)), 0);
  EXPECT_EQ(e->active_duration(), seconds(25));
}

TEST(Executors, LoopingExecutors) {
  ExecutorConfig c;
  c.kind = ExecutorKind::constant_vus;
  c.vus = 4;
  c.duration = seconds(30);
  const auto constant = make_executor(c);
  EXPECT_EQ(constant->target_vus(seconds(29)), 4);
  EXPECT_EQ(constant->target_vus(seconds(30)), 0);
  EXPECT_EQ(constant->planned_iterations(), -1);

  c.kind = ExecutorKind::per_vu_iterations;
  c.iterations = 3;
  const auto per_vu = make_executor(c);
  EXPECT_EQ(per_vu->iterations_per_vu(), 3);
  EXPECT_EQ(per_vu->planned_iterations(), 12);
  EXPECT_EQ(per_vu->active_duration(), seconds(600));

  c.kind = ExecutorKind::shared_iterations;
  c.iterations = 10;
  const auto shared = make_executor(c);
  EXPECT_EQ(shared->shared_iterations(), 10);
  EXPECT_EQ(shared->planned_iterations(), 10);
}

TEST(Executors, InvalidConfigurationsAreRefused) {
  auto c = constant_rate(0, seconds(1), seconds(1));
  EXPECT_THROW((void)make_executor(c), UsageError);
  c = constant_rate(10, seconds(1), seconds(1));
  c.max_vus = 5;  // below preAllocatedVUs
  EXPECT_THROW((void)make_executor(c), UsageError);
  ExecutorConfig shared;
  shared.kind = ExecutorKind::shared_iterations;
  shared.vus = 5;
  shared.iterations = 2;
  EXPECT_THROW((void)make_executor(shared), UsageError);
  auto ramp = ramping_vus();
  ramp.stages.clear();
  EXPECT_THROW((void)make_executor(ramp), UsageError);
}

TEST(Segments, ParseAndShare) {
  EXPECT_EQ(parse_segment("2/4"), (Segment{2, 4}));
  EXPECT_THROW((void)parse_segment("0/4"), UsageError);
  EXPECT_THROW((void)parse_segment("5/4"), UsageError);
  EXPECT_THROW((void)parse_segment("1-4"), UsageError);
  EXPECT_THROW((void)parse_segment("1/"), UsageError);
  const Segment s{3, 4};
  EXPECT_EQ(s.share(10), 2);  // VUs 3 and 7
  EXPECT_EQ(s.global_vu(0), 3);
  EXPECT_EQ(s.global_vu(1), 7);
  EXPECT_EQ(s.global_iteration(2), 10);
}

// For every executor and N in 1..5: the N segments' VUs, iterations and start times add up to the
// whole test's, at every sampled moment, with no VU number or iteration used twice.
TEST(Segments, SegmentsTogetherMakeExactlyTheWholeTest) {
  ExecutorConfig per_vu;
  per_vu.kind = ExecutorKind::per_vu_iterations;
  per_vu.vus = 7;
  per_vu.iterations = 3;
  ExecutorConfig shared = per_vu;
  shared.kind = ExecutorKind::shared_iterations;
  shared.iterations = 23;
  ExecutorConfig constant;
  constant.kind = ExecutorKind::constant_vus;
  constant.vus = 11;
  constant.duration = seconds(3);
  // Fewer VUs than segments: some segments own no VU and must get no work either.
  ExecutorConfig few_shared = shared;
  few_shared.vus = 3;
  few_shared.iterations = 40;
  ExecutorConfig few_per_vu = per_vu;
  few_per_vu.vus = 2;
  auto few_rate = constant_rate(100, seconds(1), seconds(1));
  few_rate.pre_allocated_vus = 1;
  few_rate.max_vus = 3;
  auto few_ramp = ramping_rate();
  few_ramp.pre_allocated_vus = 2;
  const std::vector<ExecutorConfig> configs{
      constant_rate(50, seconds(1), seconds(3)),           ramping_rate(), ramping_vus(), per_vu,   shared,  constant,
      constant_rate(7, seconds(60), milliseconds(90'500)), few_shared,     few_per_vu,    few_rate, few_ramp};
  for (const auto& config : configs) {
    const auto whole = make_executor(config);
    const auto whole_starts = all_starts(*whole);
    for (std::int64_t n = 1; n <= 5; ++n) {
      SCOPED_TRACE(std::string(to_string(config.kind)) + " in " + std::to_string(n));
      std::int64_t vus = 0, initial = 0, planned = 0, shared_iterations = 0;
      std::multiset<Micros> starts;
      std::set<std::int64_t> vu_numbers;
      std::vector<std::unique_ptr<Executor>> parts;
      for (std::int64_t k = 1; k <= n; ++k) {
        parts.push_back(make_executor(config, Segment{k, n}));
        const auto& part = *parts.back();
        vus += part.max_vus();
        initial += part.initial_vus();
        planned += part.planned_iterations() > 0 ? part.planned_iterations() : 0;
        shared_iterations += part.shared_iterations() > 0 ? part.shared_iterations() : 0;
        for (const auto t : all_starts(part)) starts.insert(t);
        if (part.max_vus() == 0) {
          EXPECT_EQ(part.planned_iterations() > 0 ? part.planned_iterations() : 0, 0) << "segment " << k;
          EXPECT_LE(part.shared_iterations(), 0) << "segment " << k;
          EXPECT_TRUE(all_starts(part).empty()) << "segment " << k;
        }
        for (std::int64_t i = 0; i < part.max_vus(); ++i) {
          EXPECT_TRUE(vu_numbers.insert(part.segment().global_vu(i)).second);
        }
        EXPECT_EQ(part.active_duration(), whole->active_duration());
      }
      EXPECT_EQ(vus, whole->max_vus());
      EXPECT_EQ(initial, whole->initial_vus());
      EXPECT_EQ(planned, std::max<std::int64_t>(whole->planned_iterations(), 0));
      EXPECT_EQ(shared_iterations, std::max<std::int64_t>(whole->shared_iterations(), 0));
      EXPECT_EQ(starts, std::multiset<Micros>(whole_starts.begin(), whole_starts.end()));
      // VU numbers are exactly 1..max.
      if (!vu_numbers.empty()) {
        EXPECT_EQ(*vu_numbers.begin(), 1);
        EXPECT_EQ(*vu_numbers.rbegin(), whole->max_vus());
      }
      for (Micros t{0}; t < whole->active_duration(); t += milliseconds(250)) {
        std::int64_t target = 0;
        for (const auto& part : parts) target += part->target_vus(t);
        EXPECT_EQ(target, whole->target_vus(t)) << "at " << t.count() << " us";
      }
    }
  }
}

TEST(Segments, SharedIterationsFollowTheVus) {
  // The lead's case: 40 shared iterations over 3 VUs split in 4: segment 4 has no VU.
  ExecutorConfig c;
  c.kind = ExecutorKind::shared_iterations;
  c.vus = 3;
  c.iterations = 40;
  std::vector<std::int64_t> shares;
  for (std::int64_t k = 1; k <= 4; ++k)
    shares.push_back(make_executor(c, Segment{k, 4})->shared_iterations());
  EXPECT_EQ(shares, (std::vector<std::int64_t>{14, 13, 13, 0}));
}

TEST(ScheduleDriver, TakesArrivalsWhenDueOnTheInjectedClock) {
  ManualClock clock;
  const auto e = make_executor(constant_rate(10, seconds(1), seconds(1)));
  ScheduleDriver driver(*e, clock);
  driver.start(clock.steady_now() + seconds(2));  // startTime 2 s
  EXPECT_FALSE(driver.started());
  EXPECT_FALSE(driver.take_due().has_value());
  clock.advance(seconds(2));
  EXPECT_TRUE(driver.active());
  EXPECT_EQ(driver.take_due(), Micros{0});
  EXPECT_FALSE(driver.take_due().has_value());  // the next is due at 100 ms
  clock.advance(milliseconds(350));
  EXPECT_EQ(driver.backlog(), 3);
  EXPECT_EQ(driver.take_due(), milliseconds(100));
  EXPECT_EQ(driver.take_due(), milliseconds(200));
  EXPECT_EQ(driver.take_due(), milliseconds(300));
  EXPECT_FALSE(driver.take_due().has_value());
  EXPECT_EQ(driver.next_arrival(), milliseconds(400));
  clock.advance(seconds(1));
  EXPECT_FALSE(driver.active());
  EXPECT_EQ(driver.untaken(), 6);  // 400 ms .. 900 ms were never taken: dropped
  EXPECT_FALSE(driver.over());
  clock.advance(seconds(30));
  EXPECT_TRUE(driver.over());
}

TEST(ScheduleDriver, ThreadsStripeVusAndIterations) {
  ManualClock clock;
  const auto e = make_executor(constant_rate(10, seconds(1), seconds(1)));
  ScheduleDriver t0(*e, clock, 0, 3), t1(*e, clock, 1, 3), t2(*e, clock, 2, 3);
  for (auto* d : {&t0, &t1, &t2}) d->start(clock.steady_now());
  EXPECT_EQ(t0.slots() + t1.slots() + t2.slots(), e->max_vus());
  EXPECT_EQ(t0.planned() + t1.planned() + t2.planned(), 10);
  EXPECT_EQ(t1.global_vu(0), 2);
  EXPECT_EQ(t1.global_vu(1), 5);
  clock.advance(seconds(1));
  std::multiset<Micros> taken;
  for (auto* d : {&t0, &t1, &t2}) {
    while (const auto at = d->take_due()) taken.insert(*at);
  }
  EXPECT_EQ(taken.size(), 10u);
  EXPECT_EQ(*taken.rbegin(), milliseconds(900));

  ExecutorConfig ramp = ramping_vus();
  const auto r = make_executor(ramp);
  ScheduleDriver a(*r, clock, 0, 2), b(*r, clock, 1, 2);
  a.start(clock.steady_now());
  b.start(clock.steady_now());
  clock.advance(seconds(7));
  EXPECT_EQ(a.target_slots() + b.target_slots(), 7);
}

TEST(ScheduleDriver, ThreadsWithoutAVuGetNoIterations) {
  // A 3-machine split of 4 VUs leaves segment 2 one VU; on a 2-thread machine thread 1 has none,
  // so thread 0 must run all of the segment's iterations (none is dropped for want of a VU).
  ManualClock clock;
  auto config = constant_rate(200, seconds(1), seconds(3));
  config.pre_allocated_vus = 4;
  config.max_vus = 0;
  const auto e = make_executor(config, Segment{2, 3});
  ASSERT_EQ(e->max_vus(), 1);
  ScheduleDriver t0(*e, clock, 0, 2), t1(*e, clock, 1, 2);
  t0.start(clock.steady_now());
  t1.start(clock.steady_now());
  EXPECT_FALSE(t0.idle());
  EXPECT_TRUE(t1.idle());
  EXPECT_EQ(t1.slots(), 0);
  EXPECT_EQ(t1.planned(), 0);
  EXPECT_FALSE(t1.next_arrival().has_value());
  EXPECT_EQ(t0.slots(), 1);
  EXPECT_EQ(t0.planned(), e->planned_iterations());
  clock.advance(seconds(3));
  std::int64_t taken = 0;
  while (t0.take_due()) ++taken;
  EXPECT_FALSE(t1.take_due().has_value());
  EXPECT_EQ(taken, 200);
  EXPECT_EQ(t0.untaken() + t1.untaken(), 0);
}

}  // namespace
}  // namespace rsolv::loadgen::executors
