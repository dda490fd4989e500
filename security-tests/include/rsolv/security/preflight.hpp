#pragma once
// Reachability first: before any suite runs, one request proves the target answers like the
// platform (GET /api/health -> 200 {"status":"ok"}, or the target file's `preflight`). A dead,
// resetting, hanging or foreign target ends the run here, with no findings, instead of turning
// every missing answer into a verdict.
#include <chrono>

#include "rsolv/common/error.hpp"
#include "rsolv/security/target.hpp"

namespace rsolv::security {

// "target unreachable: ..." (no answer within the timeout) or "not the API: ..." (an answer that
// is not the contract's). The CLI exits 2 with this line.
class TargetUnreachable : public Error {
 public:
  using Error::Error;
};

// Sends the preflight request with `timeout` as its whole budget; returns a one-line description
// of the answer, or throws TargetUnreachable.
std::string run_preflight(const Target& target, std::chrono::milliseconds timeout);

}  // namespace rsolv::security
