// The hot path allocates nothing per request: a run's worker threads, sending thousands of
// requests, allocate only a bounded number of times (set-up and once-per-second metric flushes).
// Counted with a replaced global operator new, in this binary only.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <iostream>
#include <new>

#include "delay_server.hpp"
#include "rsolv/loadgen/runner/run.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

namespace {
std::atomic<long> g_allocations{0};
thread_local bool t_not_counted = false;  // the test's own threads: the server, the coordinator
}  // namespace

namespace {
void* counted_malloc(std::size_t size) noexcept {
  if (!t_not_counted) g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

// Every form that pairs with the replaced deletes (the library's nothrow new, used by
// std::stable_sort's buffer, included): a mixed pair is a mismatch ASan reports.
void* operator new(std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace rsolv::loadgen::runner {
namespace {

using namespace rsolv::loadgen::testing;

struct Measured {
  double requests = 0;
  long allocations = 0;
};

Measured run_counting(const std::string& flow, const std::string& head = "") {
  t_not_counted = true;
  DelayServer::Options options;
  options.on_thread_start = [] { t_not_counted = true; };
  DelayServer server(options);
  const scenario::TestPlan plan = scenario::load_test_plan_string(R"(
name: hot-path
)" + head + R"(
scenarios:
  hot:
    executor: constant-vus
    vus: 8
    duration: 1500ms
    flow:
      - url: )" + server.base_url() + flow,
                                                                  "hot.yaml");
  RunOptions run;
  run.threads = 1;
  run.seed = 42;
  g_allocations = 0;
  const RunResult result = run_test(plan, run);
  Measured m;
  m.allocations = g_allocations.load();
  m.requests = result.metrics.aggregate("http_reqs").value.sum;
  std::cout << m.allocations << " allocations in worker threads for " << m.requests << " requests\n";
  return m;
}

TEST(HotPath, APrebuiltRequestAllocatesNothingPerRequest) {
  const auto m = run_counting("/static\n");
  ASSERT_GT(m.requests, 5000);
  // Set-up and metric flushes only (about 300 here): a constant, not one per request.
  EXPECT_LT(m.allocations, 1000) << m.allocations << " allocations for " << m.requests << " requests";
}

TEST(HotPath, ATemplatedRequestAllocatesNothingPerRequestOnceWarm) {
  const auto m = run_counting("/user/${vu}/${iter}?id=${uuid}\n        headers: {x-request: \"${random_id}\"}\n");
  ASSERT_GT(m.requests, 5000);
  EXPECT_LT(m.allocations, 1000) << m.allocations << " allocations for " << m.requests << " requests";
}

TEST(HotPath, ADataDrivenRequestAllocatesNothingPerRequest) {
  // Rows of a shared table, picked per iteration (unique, wrapping) and rendered into the request.
  const auto csv = std::filesystem::temp_directory_path() / ("hot-path-" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(csv);
    out << "id,email\n";
    for (int i = 0; i < 1000; ++i) out << i << ",user" << i << "@example.test\n";
  }
  const auto m = run_counting("/user/${data.users.id}\n        headers: {x-email: \"${data.users.email}\"}\n    data: {users: {each: unique, exhausted: wrap}}\n",
                              "data:\n  users: " + csv.string() + "\n");
  std::filesystem::remove(csv);
  ASSERT_GT(m.requests, 5000);
  EXPECT_LT(m.allocations, 1000) << m.allocations << " allocations for " << m.requests << " requests";
}

}  // namespace
}  // namespace rsolv::loadgen::runner
