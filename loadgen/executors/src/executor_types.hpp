#pragma once
// The six executors (one source file each); only make_executor() names them.
#include <vector>

#include "rsolv/loadgen/executors/executor.hpp"

namespace rsolv::loadgen::executors {

// Arrival-rate iterations are striped over the segments that own at least one VU: with V VUs in
// the whole test, VU striping gives segments 1..min(N, V) one or more, so iteration g belongs to
// segment (g mod min(N, V)) + 1 and a segment without a VU is handed no iteration it cannot run.
struct ArrivalStripe {
  std::int64_t stride = 1;   // min(N, V)
  std::int64_t offset = 0;   // K - 1
  bool active = true;        // K <= stride
  ArrivalStripe(const Segment& segment, std::int64_t whole_test_vus);
  std::int64_t share(std::int64_t total) const {
    return !active || total <= 0 ? 0 : (total + stride - 1 - offset) / stride;
  }
  std::int64_t global_iteration(std::int64_t n) const { return n * stride + offset; }
};

class ConstantVus final : public Executor {
 public:
  ConstantVus(const ExecutorConfig& config, Segment segment);
  Micros active_duration() const override;
  std::int64_t max_vus() const override;
  std::int64_t target_vus(Micros t) const override;
};

class RampingVus final : public Executor {
 public:
  RampingVus(const ExecutorConfig& config, Segment segment);
  Micros active_duration() const override;
  std::int64_t max_vus() const override;
  std::int64_t target_vus(Micros t) const override;
  // The whole test's VU count at t, before segmentation.
  std::int64_t whole_test_vus(Micros t) const;

 private:
  Micros total_{0};
  std::int64_t peak_ = 0;
};

class PerVuIterations final : public Executor {
 public:
  PerVuIterations(const ExecutorConfig& config, Segment segment);
  Micros active_duration() const override;
  std::int64_t max_vus() const override;
  std::int64_t target_vus(Micros t) const override;
  std::int64_t iterations_per_vu() const override;
  std::int64_t planned_iterations() const override;
};

class SharedIterations final : public Executor {
 public:
  SharedIterations(const ExecutorConfig& config, Segment segment);
  Micros active_duration() const override;
  std::int64_t max_vus() const override;
  std::int64_t target_vus(Micros t) const override;
  std::int64_t shared_iterations() const override;
  std::int64_t planned_iterations() const override;

 private:
  std::int64_t share_ = 0;
};

class ConstantArrivalRate final : public Executor {
 public:
  ConstantArrivalRate(const ExecutorConfig& config, Segment segment);
  Micros active_duration() const override;
  std::int64_t initial_vus() const override;
  std::int64_t max_vus() const override;
  bool arrival_rate() const override { return true; }
  std::optional<Micros> iteration_start(std::int64_t n) const override;
  std::int64_t planned_iterations() const override;

 private:
  double interval_us_ = 0;
  std::int64_t whole_count_ = 0;
  ArrivalStripe stripe_;
};

class RampingArrivalRate final : public Executor {
 public:
  RampingArrivalRate(const ExecutorConfig& config, Segment segment);
  Micros active_duration() const override;
  std::int64_t initial_vus() const override;
  std::int64_t max_vus() const override;
  bool arrival_rate() const override { return true; }
  std::optional<Micros> iteration_start(std::int64_t n) const override;
  std::int64_t planned_iterations() const override;

 private:
  struct Piece {
    double begin_us = 0;
    double duration_us = 0;
    double rate_from = 0;  // iterations per microsecond
    double rate_to = 0;
    double area_before = 0;  // iterations before this piece
  };
  std::vector<Piece> pieces_;
  Micros total_{0};
  std::int64_t whole_count_ = 0;
  ArrivalStripe stripe_;
};

}  // namespace rsolv::loadgen::executors
