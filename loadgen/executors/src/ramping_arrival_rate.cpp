// ramping-arrival-rate: the iteration rate follows linear stages from startRate (k6:
// ramping_arrival_rate.go). Iteration g of the whole test starts when the integral of the rate
// reaches g; within a stage the integral is quadratic in time, so each start is computed exactly.
#include <algorithm>
#include <cmath>

#include "executor_types.hpp"

namespace rsolv::loadgen::executors {

RampingArrivalRate::RampingArrivalRate(const ExecutorConfig& config, Segment segment)
    : Executor(config, segment), stripe_(segment, config.max_vus > 0 ? config.max_vus : config.pre_allocated_vus) {
  const double unit = static_cast<double>(config.time_unit.count());
  double rate = static_cast<double>(config.start_rate) / unit;  // iterations per microsecond
  double area = 0;
  double begin = 0;
  for (const auto& stage : config.stages) {
    Piece piece;
    piece.begin_us = begin;
    piece.duration_us = static_cast<double>(stage.duration.count());
    piece.rate_from = rate;
    piece.rate_to = static_cast<double>(stage.target) / unit;
    piece.area_before = area;
    area += (piece.rate_from + piece.rate_to) / 2 * piece.duration_us;
    begin += piece.duration_us;
    rate = piece.rate_to;
    pieces_.push_back(piece);
    total_ += stage.duration;
  }
  whole_count_ = static_cast<std::int64_t>(std::ceil(area - 1e-9));
}

Micros RampingArrivalRate::active_duration() const { return total_; }

std::int64_t RampingArrivalRate::initial_vus() const { return segment_.share(config_.pre_allocated_vus); }

std::int64_t RampingArrivalRate::max_vus() const {
  return segment_.share(config_.max_vus > 0 ? config_.max_vus : config_.pre_allocated_vus);
}

std::optional<Micros> RampingArrivalRate::iteration_start(std::int64_t n) const {
  if (n < 0 || !stripe_.active) return std::nullopt;
  const std::int64_t g = stripe_.global_iteration(n);
  if (g >= whole_count_) return std::nullopt;
  const double target = static_cast<double>(g);
  // The last piece whose accumulated area does not exceed the target (this skips rate-0 plateaus
  // and zero-length stages, whose successors start at the same area).
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), target,
                             [](double value, const Piece& piece) { return value < piece.area_before; });
  if (it != pieces_.begin()) --it;
  const Piece& p = *it;
  // area_before + a x^2 + b x = target, a = slope / 2, b = rate_from; the stable root form
  // 2c / (b + sqrt(b^2 + 4ac)) works for rising and falling rates alike.
  const double c = target - p.area_before;
  const double a = p.duration_us > 0 ? (p.rate_to - p.rate_from) / (2 * p.duration_us) : 0;
  const double b = p.rate_from;
  double x = 0;
  if (c > 0) {
    const double disc = std::max(0.0, b * b + 4 * a * c);
    const double denominator = b + std::sqrt(disc);
    x = denominator > 0 ? 2 * c / denominator : p.duration_us;
  }
  x = std::clamp(x, 0.0, p.duration_us);
  const auto start = static_cast<std::int64_t>(std::floor(p.begin_us + x));
  return Micros{std::min<std::int64_t>(start, total_.count() - 1)};
}

std::int64_t RampingArrivalRate::planned_iterations() const { return stripe_.share(whole_count_); }

}  // namespace rsolv::loadgen::executors
