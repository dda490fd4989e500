#include "send_common.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ostream>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/config/duration.hpp"
#include "rsolv/webhook_sim/forwarder.hpp"
#include "rsolv/report/json_report.hpp"
#include "rsolv/stripe/events/catalogue.hpp"
#include "rsolv/stripe/events/json_path.hpp"

namespace rsolv::webhook_sim {

void check_range(const char* flag, std::int64_t value, FlagRange range) {
  if (value < range.min || value > range.max) {
    throw UsageError(fmt::format("{}: Value {} not in range {} to {}", flag, value, range.min, range.max));
  }
}

}  // namespace rsolv::webhook_sim

namespace rsolv::webhook_sim::detail {

namespace ev = rsolv::stripe::events;

Random make_random(const SendArgs& args) { return args.seed ? Random(*args.seed) : Random(); }

nlohmann::json vars_from(const SendArgs& args) {
  auto vars = nlohmann::json::object();
  for (const auto& text : args.vars) {
    const auto [name, value] = ev::split_assignment(text);
    vars[name] = ev::parse_value(value);
  }
  if (!args.customer.empty()) vars["customer"] = args.customer;
  if (!args.price.empty()) vars["price"] = args.price;
  if (!args.subscription.empty()) vars["subscription"] = args.subscription;
  if (!args.amount.empty()) {
    // Read as --var amount= reads it; the raw text is what an error shows (20 digits parse as a float).
    const auto parsed = ev::parse_value(args.amount);
    vars["amount"] = ev::checked_amount(parsed.is_number_integer() ? parsed : nlohmann::json(args.amount), "--amount");
  }
  return vars;
}

std::int64_t flow_start(const SendArgs& args, std::int64_t now_unix) {
  const std::string_view text = args.start;
  if (text.empty()) return now_unix;
  if (text.front() == '+' || text.front() == '-') {
    std::chrono::seconds offset{0};
    try {
      offset = std::chrono::duration_cast<std::chrono::seconds>(config::parse_duration(text.substr(1)));
    } catch (const UsageError& error) {
      throw UsageError("--start '" + args.start + "': " + error.what());
    }
    return text.front() == '+' ? now_unix + offset.count() : now_unix - offset.count();
  }
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || seconds <= 0) {
    throw UsageError("--start '" + args.start + "' is neither unix seconds (1767225600) nor +/-DURATION from now (+720h)");
  }
  return seconds;
}

void apply_edits(nlohmann::json& event, const SendArgs& args) {
  for (const auto& text : args.set) {
    const auto [path, value] = ev::split_assignment(text);
    ev::set_path(event, path, ev::parse_value(value));
  }
  for (const auto& path : args.unset) ev::unset_path(event, path);
}

SendOptions send_options_from(const SendArgs& args) {
  SendOptions options;
  options.url = args.forward_to;
  // http or https only: a bad URL is a usage error, not a failed delivery.
  if (!options.url.empty()) check_forward_url(options.url);
  if (!args.rotate_secret.empty()) {
    options.signing.secrets = parse_rotation(args.rotate_secret);
  } else if (!args.secret.empty()) {
    options.signing.secrets = {Secret(args.secret)};
  }
  if (!args.tamper.empty()) options.signing.tamper = parse_tamper(args.tamper);
  check_range("--stale-timestamp", args.stale_timestamp, kStaleSecondsRange);
  options.signing.stale_seconds = args.stale_timestamp;
  options.signing.no_signature = args.no_signature;
  if (options.signing.secrets.empty() && !args.no_signature && !args.print) {
    throw UsageError("no webhook secret: pass --secret whsec_... (or set RSOLV_WEBHOOK_SECRET), or --no-signature");
  }
  check_range("--duplicate", args.duplicate, kDuplicateRange);
  options.copies = args.duplicate;
  options.concurrent = args.concurrent;
  options.shuffle = args.shuffle;
  if (!args.delay.empty()) options.delay = config::parse_duration(args.delay);
  options.retry = parse_retry_mode(args.retry);
  (void)compressed(std::chrono::seconds(1), args.time_compression);  // validates the factor
  options.time_compression = args.time_compression;
  check_range("--max-attempts", args.max_attempts, kMaxAttemptsRange);
  options.max_attempts = args.max_attempts;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config::parse_duration(args.timeout));
  if (options.timeout.count() <= 0) throw UsageError("--timeout must be positive, e.g. 10s");
  if (!args.expect.empty()) options.expect = Expectation::parse(args.expect);
  if (!args.print && options.url.empty()) throw UsageError("--forward-to URL is required unless --print is given");
  return options;
}

int emit(const std::vector<nlohmann::json>& events, const SendArgs& args, const std::string& command, Random& random,
         std::ostream& out, std::ostream& err) {
  const auto options = send_options_from(args);
  if (args.print) {
    for (const auto& event : events) {
      out << ev::render(event, !args.compact && events.size() == 1) << "\n";
    }
    return kExitOk;
  }
  std::vector<Outgoing> outgoing;
  for (const auto& event : events) {
    outgoing.push_back({event.value("id", ""), event.value("type", ""), ev::render(event, !args.compact)});
  }
  const auto on_attempt = [&](const DeliveryRecord& delivery, const AttemptRecord& attempt) {
    if (args.quiet) return;
    const auto status = attempt.status > 0 ? std::to_string(attempt.status) : "no answer (" + attempt.error + ")";
    out << fmt::format("{} {} [copy {}, attempt {}, {}] -> {} in {:.1f} ms", delivery.event_id, delivery.type,
                       delivery.copy, attempt.number, attempt.signature, status,
                       static_cast<double>(attempt.latency_us) / 1000.0);
    if (!attempt.response_body.empty()) out << ": " << attempt.response_body;
    out << std::endl;
  };
  const auto result = deliver(std::move(outgoing), options, SystemClock::instance(), random, on_attempt);
  if (!args.report.empty()) report::write_json_file(args.report, report_json(result, options, command));
  std::size_t mismatched = 0;
  for (const auto& delivery : result.deliveries) {
    if (!delivery.matched) {
      ++mismatched;
      err << fmt::format("rsolv-webhook-sim: {} {} (copy {}) ended with {}, expected {}\n", delivery.event_id,
                         delivery.type, delivery.copy,
                         delivery.final_status() > 0 ? std::to_string(delivery.final_status()) : "no answer",
                         options.expect.text());
    }
  }
  if (!args.quiet) {
    out << fmt::format("{} {}, {} as expected ({})\n", result.deliveries.size(),
                       result.deliveries.size() == 1 ? "delivery" : "deliveries",
                       result.deliveries.size() - mismatched, options.expect.text());
  }
  return mismatched == 0 ? kExitOk : kExitMismatch;
}

}  // namespace rsolv::webhook_sim::detail
