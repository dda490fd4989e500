#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "rsolv/metrics/atomic_histogram.hpp"

namespace rsolv::metrics {
namespace {

TEST(AtomicHistogram, ConcurrentRecordingLosesNothing) {
  AtomicHistogram concurrent;
  constexpr int kThreads = 4, kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) concurrent.record(1 + (i * 7 + t) % 100000);
    });
  }
  for (auto& thread : threads) thread.join();
  Histogram serial;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) serial.record(1 + (i * 7 + t) % 100000);
  }
  const auto snapshot = concurrent.snapshot();
  EXPECT_EQ(snapshot.count(), kThreads * kPerThread);
  EXPECT_EQ(snapshot, serial);
  EXPECT_DOUBLE_EQ(snapshot.mean(), serial.mean());
}

TEST(AtomicHistogram, SnapshotOfEmptyIsEmpty) {
  AtomicHistogram histogram;
  EXPECT_EQ(histogram.snapshot().count(), 0);
  EXPECT_EQ(histogram.snapshot().min(), 0);
}

TEST(AtomicHistogram, ClampsLikeTheSerialOne) {
  AtomicHistogram histogram;
  histogram.record(kHighestMicros + 1);
  EXPECT_EQ(histogram.snapshot().clamped(), 1);
  EXPECT_EQ(histogram.snapshot().max(), kHighestMicros);
}

}  // namespace
}  // namespace rsolv::metrics
