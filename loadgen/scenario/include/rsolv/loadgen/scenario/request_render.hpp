#pragma once
// One request of a step, rendered into the HTTP/1.1 bytes sent on the wire. Shared by the loader
// (which prebuilds constant requests) and the runner (which renders the others per request), so
// both always produce the same bytes. Buffers keep their capacity: no allocation once warm,
// except for the Stripe signature of signed requests.
#include <string>

#include "rsolv/loadgen/scenario/template.hpp"

namespace rsolv::loadgen::scenario {

struct RequestSpec;
struct TestPlan;

struct RenderScratch {
  std::string body;
};

// Appends the whole request to `out`: request line, Host, User-Agent (unless the step sets one),
// the step's headers, Stripe-Signature (timestamp = context.now_ms / 1000) when signed,
// Content-Length when there is a body or the method carries one, the blank line and the body.
// A request with a non-empty `prebuilt` is appended as is.
void render_request(std::string& out, const RequestSpec& spec, const TestPlan& plan, const TemplateContext& context,
                    RenderScratch& scratch);

// Whether nothing in the request varies between sends (so it can be prebuilt).
bool request_is_constant(const RequestSpec& spec);

}  // namespace rsolv::loadgen::scenario
