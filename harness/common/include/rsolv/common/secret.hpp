#pragma once
// A secret (API key, webhook secret) that never prints itself: streaming or formatting it yields
// a fixed redaction marker. The raw bytes are reachable only through reveal(), so every place that
// uses the raw value is greppable.
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace rsolv {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret&) = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret();  // wipes the bytes

  [[nodiscard]] const std::string& reveal() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }
  // What logs show instead of the value: "[redacted]" or, for a recognisable prefix, "whsec_…[redacted]".
  [[nodiscard]] std::string redacted() const;

  friend bool operator==(const Secret& a, const Secret& b);

 private:
  std::string value_;
};

std::ostream& operator<<(std::ostream& out, const Secret& secret);

// Replaces every occurrence of each secret's raw value in text by its redacted form.
// Used as the last line of defence before a log line, error message or report is written.
std::string redact(std::string text, const std::vector<Secret>& secrets);

// Constant-time equality of two byte strings (length leaks, content does not).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace rsolv
