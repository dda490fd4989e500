#include "rsolv/loadgen/scenario/request_render.hpp"

#include "rsolv/loadgen/engine/request_writer.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::loadgen::scenario {

bool request_is_constant(const RequestSpec& spec) {
  if (spec.sign_stripe || !spec.target.constant() || !spec.body.constant()) return false;
  for (const auto& [name, value] : spec.headers) {
    if (!value.constant()) return false;
  }
  return true;
}

void render_request(std::string& out, const RequestSpec& spec, const TestPlan& plan, const TemplateContext& context,
                    RenderScratch& scratch) {
  if (!spec.prebuilt.empty()) {
    out.append(spec.prebuilt);
    return;
  }
  engine::append_request_line_start(out, spec.method);
  spec.target.render(out, context);
  engine::append_request_line_end(out);
  if (spec.endpoint >= 0 && static_cast<std::size_t>(spec.endpoint) < plan.origins.size()) {
    engine::append_header(out, "Host", plan.origins[static_cast<std::size_t>(spec.endpoint)].host_header);
  }
  if (!spec.user_agent_set && !plan.user_agent.empty()) engine::append_header(out, "User-Agent", plan.user_agent);
  for (const auto& [name, value] : spec.headers) {
    out.append(name);
    out.append(": ");
    value.render(out, context);
    out.append("\r\n");
  }
  const bool body = spec.has_body || engine::method_has_body(spec.method);
  scratch.body.clear();
  if (spec.has_body) spec.body.render(scratch.body, context);
  if (spec.sign_stripe) {
    // Signed over the exact bytes sent, at the time of sending (the platform's tolerance is 300 s).
    engine::append_header(out, "Stripe-Signature",
                          stripe::sign(spec.stripe_secret, context.now_ms / 1000, scratch.body));
  }
  if (body) engine::append_content_length(out, scratch.body.size());
  engine::append_end_of_headers(out);
  out.append(scratch.body);
}

}  // namespace rsolv::loadgen::scenario
