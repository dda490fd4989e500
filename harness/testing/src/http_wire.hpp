#pragma once
// Minimal HTTP/1.1 framing over a blocking socket for the scripted server.
#include <optional>
#include <string>

#include "rsolv/testing/scripted_server.hpp"

namespace rsolv::testing::wire {

struct RawRequest {
  RecordedRequest parsed;
  bool keep_alive = true;
};

// Reads one request (Content-Length or chunked body); nullopt on EOF or a malformed request.
// `pending` keeps bytes read past this request (pipelining) across calls.
std::optional<RawRequest> read_request(int fd, std::string& pending);
bool send_all(int fd, const std::string& data);
// The head (with Content-Length of the whole body) followed by the body, or only the head when
// `with_body` is false (HEAD).
std::string render_response(int status, const Headers& headers, const std::string& body, bool keep_alive,
                            bool with_body = true);
// Sends the request to upstream ("http://host:port") with Connection: close and returns the raw
// response bytes; empty on failure.
std::string forward(const std::string& upstream, const RawRequest& request);

}  // namespace rsolv::testing::wire
