#pragma once
// The sub-commands of rsolv-webhook-sim, callable without the process (tests drive these).
// Exit codes: 0 success; 1 answers differ from --expect (or a delivery got no answer), verify
// failed; 2 usage error (thrown as rsolv::UsageError, mapped by main); 3 runtime error.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace rsolv::webhook_sim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitMismatch = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRuntime = 3;

// The accepted ranges of the numeric flags. main.cpp declares them to CLI11 (CLI::Range, as
// harness/cli does for --threads), so a bad value is refused before anything runs; the commands
// check them again for library callers with the same words ("--duplicate: Value 0 not in range 1
// to 10000").
struct FlagRange {
  std::int64_t min;
  std::int64_t max;
};
inline constexpr FlagRange kDuplicateRange{1, 10'000};           // deliveries per event
inline constexpr FlagRange kMaxAttemptsRange{0, 100};            // 0: the retry schedule's length
inline constexpr FlagRange kStaleSecondsRange{0, 315'360'000};   // ten years in the past
inline constexpr FlagRange kToleranceRange{0, 31'536'000};       // seconds, up to a year
inline constexpr FlagRange kUnixTimeRange{0, 9'999'999'999};     // unix seconds (up to the year 2286)
inline constexpr FlagRange kMaxRequestsRange{0, 1'000'000'000};  // 0: until a signal
inline constexpr FlagRange kStatusRange{100, 599};               // an HTTP status code
// Throws rsolv::UsageError "FLAG: Value V not in range MIN to MAX" outside the range.
void check_range(const char* flag, std::int64_t value, FlagRange range);

// Options shared by trigger and flow: what to build, how to deliver it, what to expect.
struct SendArgs {
  std::string forward_to;
  std::string secret;         // --secret or $RSOLV_WEBHOOK_SECRET
  std::string rotate_secret;  // OLD,NEW
  std::vector<std::string> set;    // path=value, applied to every built event
  std::vector<std::string> unset;  // path
  std::vector<std::string> vars;   // name=value catalogue variables
  std::string customer, price, subscription;
  std::string amount;  // cents, checked by stripe::events::checked_amount (as --var amount=)
  // flow: `created` of the first event: unix seconds, or +DURATION / -DURATION from now ("+720h").
  std::string start;
  bool print = false;    // emit the events, send nothing
  bool compact = false;  // one-line JSON bodies
  int duplicate = 1;
  bool concurrent = false;
  bool shuffle = false;
  std::string delay;  // "250ms"
  std::string tamper;
  std::int64_t stale_timestamp = 0;
  bool no_signature = false;
  std::string retry = "off";  // live | test | off
  double time_compression = 1.0;
  int max_attempts = 0;
  std::string timeout = "10s";
  std::string expect;
  std::string report;
  std::optional<std::uint64_t> seed;
  bool quiet = false;  // no per-attempt lines
};

int run_trigger(const std::string& event_type, const SendArgs& args, std::ostream& out, std::ostream& err);
int run_flow(const std::string& flow, const SendArgs& args, std::ostream& out, std::ostream& err);
// `replay FILE`: events captured elsewhere (event_file.hpp), re-signed with SendArgs' secret and
// delivered as `flow` delivers, with its faults, --expect and --report. SendArgs' catalogue
// variables (--var, --customer, ...) and --start do not apply; --set/--unset edit every event.
struct ReplayArgs {
  std::string file;            // a path, or "-" for standard input
  std::string order = "file";  // file | created (stable: equal times keep the file's order)
  bool new_ids = false;        // fresh evt_ and object ids (new_ids.hpp)
  std::optional<std::string> keep_ids;  // prefixes --new-ids leaves alone; default kDefaultKeptIdPrefixes
  SendArgs send;
};
int run_replay(const ReplayArgs& args, std::ostream& out, std::ostream& err);

int list_events(std::ostream& out);
int list_flows(std::ostream& out);
int list_vars(std::ostream& out);

struct ListenArgs {
  std::string listen = "127.0.0.1:4242";
  std::string secret;
  std::vector<std::string> extra_secrets;
  std::int64_t tolerance = 300;
  std::string respond = "200";  // comma-separated, per delivery of one event id
  int invalid_status = 400;
  std::string out_file;         // append JSON lines here too
  bool print_events = false;    // include the parsed event in each line
  std::string events;           // TYPE,...: only these types (the Stripe CLI's --events)
  std::string forward_to;       // the app's URL
  std::string forward_secret;   // the app's secret; default: the listener's own --secret
  std::string forward_timeout = "10s";
  std::int64_t max_requests = 0;
  bool quiet = false;           // no JSON lines on stdout
};
int run_listen(const ListenArgs& args, std::ostream& out, std::ostream& err);

struct SignArgs {
  std::string secret;
  std::string rotate_secret;
  std::string payload;  // file path, "-" for stdin
  std::optional<std::int64_t> timestamp;
};
int run_sign(const SignArgs& args, std::ostream& out, std::ostream& err);

struct VerifyArgs {
  std::vector<std::string> secrets;
  std::string payload;
  std::string header;
  std::int64_t tolerance = 300;
  std::optional<std::int64_t> now;
};
int run_verify(const VerifyArgs& args, std::ostream& out, std::ostream& err);

}  // namespace rsolv::webhook_sim
