// Probe::burst: identical requests released together on pre-opened connections (the race suite's
// "single-packet" attack, in its HTTP/1.1 form: the last byte of every request is held back until
// all the others have arrived). Asio directly, since the client opens a connection per call.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>

#include "rsolv/security/probe.hpp"

namespace rsolv::security {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::uint64_t kResponseBodyLimit = 8 * 1024 * 1024;  // answers the suites read are small

struct Copy {
  explicit Copy(asio::io_context& io) : stream(io) { parser.body_limit(kResponseBodyLimit); }
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  bool connected = false;
  std::string error;
};

std::string request_text(const std::string& method, const http::Url& url, const http::Headers& headers,
                         const std::string& body) {
  std::string text = method + " " + url.target + " HTTP/1.1\r\nHost: " + url.authority(false) +
                     "\r\nUser-Agent: rsolv-security\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return text + "\r\n" + body;
}

}  // namespace

std::vector<Exchange> Probe::burst(const std::string& method, const std::string& path_and_query,
                                   const http::Headers& headers, const std::string& body, int copies) {
  auto timeout = timeout_;
  if (deadline_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
    if (left <= std::chrono::milliseconds(0)) throw NoAnswer(deadline_reason_);
    timeout = std::min(timeout, left);
  }
  const auto url_text = target_.url_for(path_and_query);
  const auto url = http::parse_url(url_text);
  if (url.scheme != "http") {
    throw NoAnswer("concurrent requests are released on plain http connections only; " + target_.base_url + " is " +
                   url.scheme);
  }
  const auto sent_body = with_fresh_uuids(body);  // one UUID for every copy: they are identical
  const auto text = request_text(method, url, headers, sent_body);
  asio::io_context io;
  tcp::resolver::results_type endpoints;
  try {
    endpoints = tcp::resolver(io).resolve(url.host, url.port);
  } catch (const boost::system::system_error& error) {
    throw NoAnswer("cannot resolve " + url.host + ": " + error.code().message());
  }
  std::vector<std::unique_ptr<Copy>> pending;
  for (int i = 0; i < copies; ++i) pending.push_back(std::make_unique<Copy>(io));
  requests_sent_ += static_cast<std::size_t>(copies);

  // 1. Every connection open before any request is complete.
  for (auto& copy : pending) {
    copy->stream.expires_after(timeout);
    copy->stream.async_connect(endpoints, [&copy = *copy](beast::error_code ec, const tcp::endpoint&) {
      copy.connected = !ec;
      if (ec) copy.error = "connect: " + ec.message();
    });
  }
  io.run();
  io.restart();

  // 2. All but the last byte on every connection, pushed out at once (no Nagle delay).
  for (auto& copy : pending) {
    if (!copy->connected) continue;
    beast::error_code ec;
    copy->stream.socket().set_option(tcp::no_delay(true), ec);
    asio::write(copy->stream.socket(), asio::buffer(text.data(), text.size() - 1), ec);
    if (ec) {
      copy->connected = false;
      copy->error = "write: " + ec.message();
    }
  }
  // 3. The last bytes, back to back.
  const auto released = Clock::now();
  for (auto& copy : pending) {
    if (!copy->connected) continue;
    beast::error_code ec;
    asio::write(copy->stream.socket(), asio::buffer(text.data() + text.size() - 1, 1), ec);
    if (ec) {
      copy->connected = false;
      copy->error = "write: " + ec.message();
    }
  }
  // 4. Every answer, within the request timeout.
  for (auto& copy : pending) {
    if (!copy->connected) continue;
    copy->stream.expires_after(timeout);
    bhttp::async_read(copy->stream, copy->buffer, copy->parser, [&copy = *copy](beast::error_code ec, std::size_t) {
      if (ec) copy.error = "read: " + ec.message();
    });
  }
  io.run();

  std::vector<Exchange> out;
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - released);
  for (auto& copy : pending) {
    Exchange exchange;
    exchange.request = http::Request(method, url_text, headers, sent_body);
    exchange.elapsed = elapsed;
    if (copy->connected && copy->error.empty() && copy->parser.is_done()) {
      const auto& message = copy->parser.get();
      exchange.response.status = static_cast<long>(message.result_int());
      for (const auto& field : message) {
        exchange.response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      exchange.response.body = message.body();
      exchange.response.attempts = 1;
    } else {
      exchange.transport_error = redact(copy->error.empty() ? "no answer" : copy->error);
    }
    out.push_back(std::move(exchange));
  }
  return out;
}

}  // namespace rsolv::security
