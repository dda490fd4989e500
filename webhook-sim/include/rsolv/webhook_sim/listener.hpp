#pragma once
// `listen`: a webhook receiver for testing senders (this simulator, the platform's own relays).
// It verifies Stripe-Signature, writes one JSON line per request, and answers with configurable
// status codes so a sender's retries can be exercised: the n-th delivery of one event id gets the
// n-th code of `respond` (the last one repeats), e.g. 500,500,200.
// Connections are served concurrently (harness/http's server, one thread), each under its own
// deadline; forwards to the app run on a pool of threads and answer later, so a slow app holds
// only the deliveries it was sent. A request without a usable Stripe-Signature is answered before its body is read; only
// verified bodies are parsed as JSON (nesting bounded, config::kMaxJsonDepth).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rsolv/common/clock.hpp"
#include "rsolv/common/secret.hpp"
#include "rsolv/webhook_sim/forwarder.hpp"

namespace rsolv::webhook_sim {

struct ListenOptions {
  std::string address = "127.0.0.1:0";  // HOST:PORT; port 0 picks a free one
  std::vector<Secret> secrets;           // any verifies
  std::int64_t tolerance_seconds = 300;
  std::vector<int> respond = {200};      // answers to verified deliveries, per event id
  int invalid_status = 400;              // answer to a bad signature (Stripe's docs suggest 400)
  bool include_events = false;           // put the parsed event into each JSON line
  std::int64_t max_requests = 0;         // stop after this many; 0 = until stop()
  // --forward-to: a verified delivery goes on to the app (forwarder.hpp) and the app's status and
  // body are the answer; `respond` is then not used. A delivery that does not verify never goes on.
  std::optional<ForwardOptions> forward;
  // Forwards in flight at once, each on its own thread; more wait for a free one. Deliveries that
  // are not forwarded (refused, skipped) never wait for the app.
  std::size_t concurrent_forwards = 32;
  // --events: only verified events of these types are forwarded (or answered with `respond`);
  // others are answered 200 and their line says "skipped". Empty: every type.
  std::vector<std::string> event_types;
  // Limits of every connection; a client that exceeds one gets a JSON error naming it.
  std::size_t body_limit = 4 * 1024 * 1024;       // 413 payload_too_large
  std::size_t header_limit = 16 * 1024;           // 431 headers_too_large / trailers_too_large
  std::chrono::seconds idle_timeout{30};          // a connection that sends nothing is closed
  std::chrono::seconds request_timeout{10};       // to read one request / write its answer
};

// One JSON object per request: {"received_at_unix_ms","method","target","event_id","type",
// "verified","reason","status","delivery","signature_t","bytes"} (+ "event" with include_events,
// "body_error" for a verified body that is not JSON, "skipped" for a type --events leaves out,
// "forward" {"status","latency_ms","error"?} with forward). No secrets.
using LineSink = std::function<void(const std::string& line)>;

class Listener {
 public:
  // Binds at once (throws rsolv::Error naming the address when it cannot).
  Listener(ListenOptions options, LineSink sink, Clock& clock = SystemClock::instance());
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  std::string bound_address() const;  // "127.0.0.1:PORT"
  int port() const;
  // Serves until stop() or max_requests; one request per connection (answers Connection: close).
  void run();
  void stop();  // thread-safe; may come before run()
  std::int64_t requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rsolv::webhook_sim
