#pragma once
// `--expect 2xx`, `--expect 401`, `--expect 200,422`: what answers a run counts as right.
#include <string>
#include <vector>

namespace rsolv::webhook_sim {

class Expectation {
 public:
  // Default: any HTTP answer (a delivery that got no response at all fails).
  Expectation() = default;
  // Comma-separated classes ("2xx") and codes ("401"); UsageError otherwise.
  static Expectation parse(const std::string& text);

  bool matches(long status) const;
  const std::string& text() const { return text_; }

 private:
  std::vector<long> codes_;
  std::vector<long> classes_;  // 2 for 2xx
  std::string text_ = "any response";
};

}  // namespace rsolv::webhook_sim
