// rsolv-webhook-sim: realistic, correctly signed Stripe events, offline. Parses arguments and calls
// the library (include/rsolv/webhook_sim/commands.hpp); see docs/webhook-sim.md.
#include <CLI/CLI.hpp>

#include <iostream>

#include "rsolv/cli/parse.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/webhook_sim/commands.hpp"

namespace ws = rsolv::webhook_sim;

namespace {

constexpr const char* kSecretEnv = "RSOLV_WEBHOOK_SECRET";

// A flag's accepted range as CLI11 checks it ("Value 0 not in range 1 to 10000"), from the one
// table in commands.hpp.
CLI::Range range(ws::FlagRange flag_range) { return CLI::Range(flag_range.min, flag_range.max); }

// What to build from the catalogue: trigger and flow, not replay (its events are given).
void add_build_options(CLI::App& command, ws::SendArgs& args) {
  command.add_option("--var", args.vars, "name=value: a catalogue variable (see `vars`)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command.add_option("--customer", args.customer, "Stripe customer id (cus_...) the events belong to");
  command.add_option("--price", args.price, "price id on subscription items and invoice lines");
  command.add_option("--subscription", args.subscription, "subscription id (sub_...)");
  command.add_option("--amount", args.amount, "amount in cents (0 to 99999999, as --var amount=)");
}

// How to deliver, with which faults and expectations: every sending command.
void add_send_options(CLI::App& command, ws::SendArgs& args) {
  command.add_option("--forward-to", args.forward_to, "Endpoint URL to POST the events to");
  command.add_option("--secret", args.secret, "Endpoint secret whsec_... (prefer $RSOLV_WEBHOOK_SECRET: flags show in ps)")
      ->envname(kSecretEnv);
  command.add_option("--rotate-secret", args.rotate_secret, "OLD,NEW: sign with both (two v1), as during a rotation");
  command.add_option("--set", args.set, "path=value: edit a field of the built event (dotted path, [index])")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command.add_option("--unset", args.unset, "path: remove a field of the built event")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command.add_flag("--print", args.print, "print the events instead of sending them");
  command.add_flag("--compact", args.compact, "one-line JSON bodies (Stripe sends them pretty-printed)");
  command.add_option("--duplicate", args.duplicate, "deliver every event N times")->check(range(ws::kDuplicateRange));
  command.add_flag("--concurrent", args.concurrent, "send the duplicates of an event at the same moment");
  command.add_flag("--shuffle", args.shuffle, "deliver events in random order (--seed makes it repeatable)");
  command.add_option("--delay", args.delay, "gap between events, e.g. 250ms");
  command.add_option("--tamper", args.tamper, "body|signature|timestamp: break the signature on purpose");
  command.add_option("--stale-timestamp", args.stale_timestamp, "sign with t = now - SECONDS")
      ->check(range(ws::kStaleSecondsRange));
  command.add_flag("--no-signature", args.no_signature, "send without a Stripe-Signature header");
  command.add_option("--retry", args.retry, "redeliver non-2xx answers on Stripe's schedule: live|test|off")
      ->capture_default_str();
  command.add_option("--time-compression", args.time_compression, "divide the retry gaps by this (3600: 1 h -> 1 s)")
      ->capture_default_str();
  command.add_option("--max-attempts", args.max_attempts, "cap attempts per delivery (0: the schedule's)")
      ->check(range(ws::kMaxAttemptsRange));
  command.add_option("--timeout", args.timeout, "per-attempt timeout")->capture_default_str();
  command.add_option("--expect", args.expect, "answers counted as right: 2xx, 401, 200,422 ... (exit 1 otherwise)");
  command.add_option("--report", args.report, "write a JSON report of every delivery to FILE (atomically)");
  command.add_option("--seed", args.seed, "seed for ids and --shuffle (repeatable runs)");
  command.add_flag("--quiet,-q", args.quiet, "no per-attempt lines");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rsolv-webhook-sim: realistic, correctly signed Stripe webhook events, offline"};
  app.set_version_flag("--version", std::string("rsolv-webhook-sim ") + RSOLV_VERSION);
  app.require_subcommand(1);

  ws::SendArgs trigger_args;
  std::string event_type;
  auto* trigger = app.add_subcommand("trigger", "Build, sign and send one event");
  trigger->add_option("event", event_type, "event type, e.g. invoice.payment_succeeded (see `events`)")->required();
  add_build_options(*trigger, trigger_args);
  add_send_options(*trigger, trigger_args);

  ws::SendArgs flow_args;
  std::string flow_name;
  auto* flow = app.add_subcommand("flow", "Send a whole lifecycle (pro-signup, renewal, ...) with shared ids");
  flow->add_option("name", flow_name, "built-in flow name (see `flows`) or a flow .yaml file")->required();
  add_build_options(*flow, flow_args);
  add_send_options(*flow, flow_args);
  flow->add_option("--start", flow_args.start,
                   "created of the first event: unix seconds or +/-DURATION from now (default now); continue a "
                   "subscription's timeline after a flow with later steps, e.g. +721h");

  ws::ReplayArgs replay_args;
  auto* replay = app.add_subcommand(
      "replay", "Re-sign and send captured events: listen --out lines, a JSON array, Stripe's {\"data\": [...]}, one event");
  replay->add_option("file", replay_args.file, "the events (- reads standard input)")->required();
  replay->add_option("--order", replay_args.order, "file: the file's order; created: oldest first (Stripe lists newest first)")
      ->capture_default_str();
  replay->add_flag("--new-ids", replay_args.new_ids,
                   "fresh evt_ and object ids, the same old id always the same new one, so the app sees no duplicates");
  replay->add_option("--keep-ids", replay_args.keep_ids,
                     "PREFIX,...: ids --new-ids leaves alone (default cus_,price_,prod_,plan_; none for all)");
  add_send_options(*replay, replay_args.send);

  ws::ListenArgs listen_args;
  auto* listen = app.add_subcommand("listen", "Receive webhooks: verify signatures, print JSON lines, answer with set codes");
  listen->add_option("--listen", listen_args.listen, "HOST:PORT to listen on (port 0 picks one)")->capture_default_str();
  listen->add_option("--secret", listen_args.secret, "endpoint secret (prefer $RSOLV_WEBHOOK_SECRET)")->envname(kSecretEnv);
  listen->add_option("--also-secret", listen_args.extra_secrets, "another accepted secret (rotation)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  listen->add_option("--tolerance", listen_args.tolerance, "timestamp tolerance in seconds")
      ->capture_default_str()
      ->check(range(ws::kToleranceRange));
  listen->add_option("--respond", listen_args.respond, "answers to the 1st, 2nd, ... delivery of an event id, e.g. 500,500,200")
      ->capture_default_str();
  listen->add_option("--invalid-status", listen_args.invalid_status, "answer to a bad signature")
      ->capture_default_str()
      ->check(range(ws::kStatusRange));
  listen->add_option("--out", listen_args.out_file, "also append the JSON lines to FILE");
  listen->add_flag("--print-events", listen_args.print_events, "include each verified event in its line");
  listen->add_option("--events", listen_args.events,
                     "TYPE,...: only these event types are answered with --respond or forwarded (others: 200, "
                     "skipped), as the Stripe CLI's --events");
  listen->add_option("--forward-to", listen_args.forward_to,
                     "the app's URL: each verified delivery is re-signed and forwarded, the app's answer passed back");
  listen->add_option("--forward-secret", listen_args.forward_secret,
                     "the app's endpoint secret (default: --secret; prefer $RSOLV_FORWARD_SECRET)")
      ->envname("RSOLV_FORWARD_SECRET");
  listen->add_option("--forward-timeout", listen_args.forward_timeout, "limit of one forward, connect to last byte")
      ->capture_default_str();
  listen->add_option("--max-requests", listen_args.max_requests, "exit after this many requests (0: until a signal)")
      ->check(range(ws::kMaxRequestsRange));
  listen->add_flag("--quiet,-q", listen_args.quiet, "no JSON lines on stdout");

  ws::SignArgs sign_args;
  auto* sign = app.add_subcommand("sign", "Print the Stripe-Signature header for a payload");
  sign->add_option("--secret", sign_args.secret, "endpoint secret (prefer $RSOLV_WEBHOOK_SECRET)")->envname(kSecretEnv);
  sign->add_option("--rotate-secret", sign_args.rotate_secret, "OLD,NEW: two v1 signatures");
  sign->add_option("--payload", sign_args.payload, "payload file (exact bytes; - for stdin)")->required();
  sign->add_option("--timestamp", sign_args.timestamp, "t= value in unix seconds (default: now)")
      ->check(range(ws::kUnixTimeRange));

  ws::VerifyArgs verify_args;
  std::string verify_secret;
  auto* verify = app.add_subcommand("verify", "Check a Stripe-Signature header against a payload (exit 1 when invalid)");
  verify->add_option("--secret", verify_secret, "endpoint secret (prefer $RSOLV_WEBHOOK_SECRET)")->envname(kSecretEnv);
  verify->add_option("--also-secret", verify_args.secrets, "another accepted secret (rotation)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  verify->add_option("--payload", verify_args.payload, "payload file (exact bytes; - for stdin)")->required();
  verify->add_option("--header", verify_args.header, "the Stripe-Signature value")->required();
  verify->add_option("--tolerance", verify_args.tolerance, "timestamp tolerance in seconds")
      ->capture_default_str()
      ->check(range(ws::kToleranceRange));
  verify->add_option("--now", verify_args.now, "current unix time to check against (default: now)")
      ->check(range(ws::kUnixTimeRange));

  auto* events = app.add_subcommand("events", "List the event catalogue");
  auto* flows = app.add_subcommand("flows", "List the built-in flows");
  auto* vars = app.add_subcommand("vars", "List the catalogue variables --var can set");

  if (const auto exit_code = rsolv::cli::parse(app, argc, argv, "rsolv-webhook-sim", std::cout, std::cerr)) {
    return *exit_code;
  }
  try {
    if (*trigger) return ws::run_trigger(event_type, trigger_args, std::cout, std::cerr);
    if (*flow) return ws::run_flow(flow_name, flow_args, std::cout, std::cerr);
    if (*replay) return ws::run_replay(replay_args, std::cout, std::cerr);
    if (*listen) return ws::run_listen(listen_args, std::cout, std::cerr);
    if (*sign) return ws::run_sign(sign_args, std::cout, std::cerr);
    if (*verify) {
      verify_args.secrets.insert(verify_args.secrets.begin(), verify_secret);
      return ws::run_verify(verify_args, std::cout, std::cerr);
    }
    if (*events) return ws::list_events(std::cout);
    if (*flows) return ws::list_flows(std::cout);
    if (*vars) return ws::list_vars(std::cout);
  } catch (const rsolv::UsageError& error) {
    std::cerr << "rsolv-webhook-sim: error: " << error.what() << "\n";
    return ws::kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "rsolv-webhook-sim: error: " << error.what() << "\n";
    return ws::kExitRuntime;
  }
  return ws::kExitUsage;
}
