#pragma once
// Minimal HTTP/1.1 framing over a blocking socket for the scripted server.
#include <optional>
#include <string>

#include "rsolv/testing/scripted_server.hpp"

namespace rsolv::testing::wire {

struct RawRequest {
  RecordedRequest parsed;
  std::string bytes;  // exactly as received, for forwarding
  bool keep_alive = true;
};

// Reads one request; nullopt on EOF or a malformed request. `pending` keeps bytes across calls.
std::optional<RawRequest> read_request(int fd, std::string& pending);
bool send_all(int fd, const std::string& data);
std::string render_response(int status, const Headers& headers, const std::string& body, bool keep_alive);
// Sends the raw request to upstream ("http://host:port") with Connection: close and returns the
// raw response bytes; empty on failure.
std::string forward(const std::string& upstream, const RawRequest& request);

}  // namespace rsolv::testing::wire
