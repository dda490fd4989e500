#include "http_test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace rsolv::sandbox::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}
tcp::endpoint loopback(int port) { return {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}; }
}  // namespace

std::optional<std::string> Reply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

nlohmann::json Reply::json() const { return nlohmann::json::parse(body); }

struct HttpConnection::Impl {
  int port;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int connects = 0;

  void connect() {
    stream.emplace(ioc);
    stream->expires_after(timeout);
    stream->connect(loopback(port));
    stream->socket().set_option(tcp::no_delay(true));
    buffer.consume(buffer.size());
    ++connects;
  }
};

HttpConnection::HttpConnection(int port, std::chrono::milliseconds timeout) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpConnection::~HttpConnection() = default;

int HttpConnection::connects() const { return impl_->connects; }

Reply HttpConnection::send(const std::string& method, const std::string& target, const std::string& body,
                           const HeaderList& headers) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  for (const auto& [name, value] : headers) request.insert(name, value);
  if (!body.empty() || method == "POST") {
    request.body() = body;
    if (request.find(http::field::content_type) == request.end()) request.set(http::field::content_type, "application/json");
    request.prepare_payload();
  }
  // A keep-alive connection the server closed in between is retried once on a new connection.
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->stream.has_value();
    try {
      if (!reused) impl_->connect();
      impl_->stream->expires_after(impl_->timeout);
      http::write(*impl_->stream, request);
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      http::read(*impl_->stream, impl_->buffer, parser);
      auto response = parser.release();
      Reply reply;
      reply.status = static_cast<int>(response.result_int());
      reply.body = std::move(response.body());
      for (const auto& field : response) reply.headers.emplace_back(field.name_string(), field.value());
      if (!response.keep_alive()) impl_->stream.reset();
      return reply;
    } catch (const boost::system::system_error&) {
      impl_->stream.reset();
      if (!reused || attempt >= 1) throw;
    }
  }
}

std::string raw_exchange(int port, std::string_view bytes, std::chrono::milliseconds timeout) {
  RawConnection connection(port);
  connection.write(bytes);
  return connection.read_all(timeout);
}

struct RawConnection::Impl {
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
};

RawConnection::RawConnection(int port) : impl_(std::make_unique<Impl>()) {
  impl_->stream.emplace(impl_->ioc);
  impl_->stream->expires_after(std::chrono::seconds(10));
  impl_->stream->connect(loopback(port));
  impl_->stream->socket().set_option(tcp::no_delay(true));
}

RawConnection::~RawConnection() = default;

void RawConnection::write(std::string_view bytes) {
  impl_->stream->expires_after(std::chrono::seconds(10));
  net::write(*impl_->stream, net::buffer(bytes.data(), bytes.size()));
}

std::string RawConnection::read_all(std::chrono::milliseconds timeout) {
  std::string out;
  char chunk[16384];
  impl_->stream->expires_after(timeout);
  for (;;) {
    beast::error_code ec;
    const auto n = impl_->stream->read_some(net::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

std::string RawConnection::read_until(std::string_view marker, std::chrono::milliseconds timeout) {
  std::string out;
  char chunk[16384];
  impl_->stream->expires_after(timeout);
  while (out.find(marker) == std::string::npos) {
    beast::error_code ec;
    const auto n = impl_->stream->read_some(net::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

}  // namespace rsolv::sandbox::testing
