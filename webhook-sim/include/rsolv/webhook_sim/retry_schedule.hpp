#pragma once
// Stripe's redelivery after a non-2xx answer or a timeout. Stripe documents "exponential back-off
// for up to three days" in live mode and "three times over a few hours" in test mode, without the
// exact gaps; these schedules model that (gaps grow to 10 h, last retry before 72 h).
#include <chrono>
#include <string>
#include <vector>

namespace rsolv::webhook_sim {

enum class RetryMode { off, live, test };
RetryMode parse_retry_mode(const std::string& text);  // "off" | "live" | "test"

// Gaps between attempt n and n+1, before compression. Empty for off.
std::vector<std::chrono::seconds> retry_gaps(RetryMode mode);

// A gap divided by the time-compression factor (3600 turns an hour into a second).
std::chrono::microseconds compressed(std::chrono::seconds gap, double time_compression);

}  // namespace rsolv::webhook_sim
