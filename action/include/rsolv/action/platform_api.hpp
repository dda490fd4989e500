#pragma once
// The two platform calls the action makes and what each answer means for the user:
// check -> GET /api/v1/entitlement, report -> POST /api/v1/fix-deployments (Idempotency-Key).
// Interpretation is pure (response in, Outcome out) so every answer can be unit tested.
#include <string>
#include <vector>

#include "rsolv/action/inputs.hpp"
#include "rsolv/action/output_file.hpp"
#include "rsolv/action/summary.hpp"
#include "rsolv/http/client.hpp"

namespace rsolv::action {

enum class Verdict {
  success,    // entitled / reported / nothing to bill: exit 0
  refused,    // not entitled, payment required, declined: exit 1
  api_error,  // no usable answer (outage, 5xx, 429, garbage): exit 1, or 0 under on-api-error: warn
  bad_input,  // the platform rejected an input (unknown key, invalid field): exit 2
};

struct Outcome {
  Verdict verdict = Verdict::success;
  std::string title;    // annotation title / summary heading
  std::string message;  // one line: what happened and, on failure, what to do
  Outputs outputs;      // step outputs, in a stable order
  SummaryRows rows;     // the step-summary table
  bool notice = false;  // success worth an annotation (e.g. a PR closed without merging)
};

int exit_code(const Outcome& outcome, OnApiError on_api_error);

http::Request entitlement_request(const Inputs& inputs);
// The JSON body is canonical (fixed key order) so identical reports have identical bodies.
http::Request deployment_request(const Inputs& inputs);
std::string deployment_body(const Inputs& inputs);

Outcome interpret_entitlement(const http::Response& response);
// A replayed answer (Idempotent-Replayed: true) on the first attempt means an earlier run billed
// this PR: it is reported as already_billed with nothing charged now.
Outcome interpret_deployment(const http::Response& response, const Inputs& inputs);
// No HTTP answer at all (refused, reset, timed out) after the retries.
Outcome transport_failure(Command command, const std::string& what);
// report on a PR the event says is not merged: nothing to bill.
Outcome not_merged(const Inputs& inputs);

// Builds the client (total budget = timeout-seconds, retries = max-retries) and makes the call.
Outcome call_platform(const Inputs& inputs, http::ClientOptions options, Clock& clock);
http::ClientOptions client_options(const Inputs& inputs);

}  // namespace rsolv::action
