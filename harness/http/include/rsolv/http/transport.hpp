#pragma once
// The seam between Client (retries, budget, Retry-After, idempotency keys, log redaction) and the
// bytes on the wire. A Transport performs ONE attempt: connect (or reuse a kept-alive
// connection), send, read one response. It never retries, except that a kept-alive connection
// found dead before any response byte is replaced once within the attempt, as libcurl does.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "rsolv/http/client.hpp"

namespace rsolv::http {

struct Attempt {
  std::optional<Response> response;  // status, headers as received, body, elapsed
  std::string error;                 // one line, set when there is no response
};

class Transport {
 public:
  virtual ~Transport();
  // `sent_headers` are the request's headers plus any the Client added (Idempotency-Key);
  // `request.headers` is not read. `connect_timeout` is already capped by `attempt_timeout`,
  // which covers connect to last byte.
  virtual Attempt perform(const Request& request, const Headers& sent_headers, const ClientOptions& options,
                          std::chrono::milliseconds connect_timeout, std::chrono::milliseconds attempt_timeout) = 0;
};

}  // namespace rsolv::http
