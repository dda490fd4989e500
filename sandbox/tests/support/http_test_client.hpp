#pragma once
// A small blocking HTTP/1.1 client for the sandbox's integration tests (Beast, one keep-alive
// connection per object). The tests need what a general client hides: raw bytes on the wire,
// exact response bytes, one connection reused on purpose, and half-sent requests.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::sandbox::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  int status = 0;
  std::string body;
  HeaderList headers;
  std::optional<std::string> header(std::string_view name) const;
  nlohmann::json json() const;  // throws when the body is not JSON
};

class HttpConnection {
 public:
  explicit HttpConnection(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request on this connection (reconnecting first if the server closed it).
  Reply send(const std::string& method, const std::string& target, const std::string& body = {},
             const HeaderList& headers = {});
  // How many TCP connections this object has opened so far (keep-alive tests).
  int connects() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `bytes` on a fresh connection and returns everything read until the server closes it
// or `timeout` passes.
std::string raw_exchange(int port, std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A connection on which a test writes a request in pieces and reads the answer later.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  void write(std::string_view bytes);
  // Reads until the peer closes or the timeout passes.
  std::string read_all(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until what was read contains `marker`, the peer closes or the timeout passes.
  std::string read_until(std::string_view marker, std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rsolv::sandbox::testing
