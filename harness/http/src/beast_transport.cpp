// The lean transport (see beast_transport.hpp). Every socket operation is an Asio async operation
// run to completion on a private io_context, with beast::tcp_stream's expiry as the deadline: that
// is how a synchronous caller gets timeouts out of Asio without threads or signals.
#include "rsolv/http/beast_transport.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>

#include "rsolv/http/url.hpp"
#include "tls_trust.hpp"

namespace rsolv::http {

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::uint64_t kBodyLimit = 64ull * 1024 * 1024;
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

std::string ms_text(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

std::string basic_credentials(std::string_view userinfo) {
  const auto plain = percent_decode(userinfo);
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return "Basic " + encoded;
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(endpoint.port());
}

// A one-line failure of one attempt; `dead_before_response` marks a reused connection that
// turned out closed before any byte of the answer (worth one resend on a new connection).
struct Failure {
  std::string message;
  bool dead_before_response = false;
};

class LeanTransport final : public Transport {
 public:
  Attempt perform(const Request& request, const Headers& sent_headers, const ClientOptions& options,
                  std::chrono::milliseconds connect_timeout, std::chrono::milliseconds attempt_timeout) override {
    const auto started = std::chrono::steady_clock::now();
    Attempt attempt;
    try {
      const auto url = parse_url(request.url);
      const auto proxy = proxy_for(url, [](const char* name) { return std::getenv(name); });
      const Deadlines deadlines{started + connect_timeout, started + attempt_timeout, connect_timeout, attempt_timeout};
      auto response = exchange(request, sent_headers, options, url, proxy, deadlines);
      if (!response) {
        // A kept-alive connection the server had already closed: once more on a new one.
        response = exchange(request, sent_headers, options, url, proxy, deadlines);
      }
      if (response) {
        response->elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        attempt.response = std::move(response);
      }
    } catch (const Failure& failure) {
      connection_.reset();
      attempt.error = failure.message;
    } catch (const std::exception& error) {  // rsolv::Error from URL/proxy parsing, Boost errors
      connection_.reset();
      attempt.error = error.what();
    }
    if (!attempt.response && attempt.error.empty()) attempt.error = "the server closed the connection without a response";
    return attempt;
  }

 private:
  struct Deadlines {
    SteadyTime connect;
    SteadyTime attempt;
    std::chrono::milliseconds connect_timeout;
    std::chrono::milliseconds attempt_timeout;
  };

  struct Connection {
    std::string key;
    std::unique_ptr<beast::tcp_stream> plain;
    std::unique_ptr<TlsStream> secure;
    beast::flat_buffer buffer;
    beast::tcp_stream& lowest() { return secure ? secure->next_layer() : *plain; }
  };

  // Runs the io_context until the started operation completed (the stream's expiry bounds it).
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  template <class Stream>
  error_code write(Stream& stream, std::string_view head, std::string_view body) {
    error_code result;
    const std::array<net::const_buffer, 2> buffers = {net::buffer(head.data(), head.size()), net::buffer(body.data(), body.size())};
    net::async_write(stream, buffers, [&](error_code ec, std::size_t) { result = ec; });
    run();
    return result;
  }

  // The head first, so an announced length over the cap fails at once instead of at the deadline.
  template <class Stream, class Parser>
  error_code read(Stream& stream, beast::flat_buffer& buffer, Parser& parser) {
    error_code result;
    bhttp::async_read_header(stream, buffer, parser, [&](error_code ec, std::size_t) { result = ec; });
    run();
    if (result || parser.is_done()) return result;
    if (parser.content_length() && *parser.content_length() > kBodyLimit) return bhttp::error::body_limit;
    bhttp::async_read(stream, buffer, parser, [&](error_code ec, std::size_t) { result = ec; });
    run();
    return result;
  }

  // Whether a kept-alive plain connection is still usable: an idle socket that reads as ready has
  // either been closed by the server or holds bytes nobody asked for. TLS connections are not
  // checked (a late session ticket also reads as ready); a dead one is caught by the resend.
  static bool looks_alive(Connection& connection) {
    if (connection.secure || !connection.lowest().socket().is_open()) return connection.lowest().socket().is_open();
    pollfd descriptor{connection.lowest().socket().native_handle(), POLLIN, 0};
    return ::poll(&descriptor, 1, 0) == 0;
  }

  std::optional<Response> exchange(const Request& request, const Headers& sent_headers, const ClientOptions& options,
                                   const Url& url, const std::optional<Url>& proxy, const Deadlines& deadlines) {
    const auto key = connection_key(url, proxy, options);
    bool reused = connection_ && connection_->key == key && looks_alive(*connection_);
    if (!reused) connection_.reset();
    if (!connection_) connection_ = connect(url, proxy, options, deadlines, key);
    const auto head = request_head(request, sent_headers, options, url, proxy && url.scheme == "http" ? &*proxy : nullptr);
    auto& connection = *connection_;
    connection.lowest().expires_at(deadlines.attempt);
    const auto on_error = [&](const error_code& ec, bool got_some, std::string what) -> std::optional<Response> {
      connection_.reset();
      if (ec == beast::error::timeout) throw Failure{"timed out after " + ms_text(deadlines.attempt_timeout) + " " + what};
      if (reused && !got_some) return std::nullopt;
      if (ec == bhttp::error::end_of_stream || ec == net::error::eof) {
        throw Failure{got_some ? "the connection closed in the middle of the response"
                               : "the server closed the connection without a response"};
      }
      if (ec == bhttp::error::partial_message) throw Failure{"the connection closed before the end of the response"};
      if (ec == bhttp::error::body_limit) throw Failure{"the response body exceeds the 64 MiB limit"};
      if (ec == bhttp::error::header_limit) throw Failure{"the response headers exceed 64 KiB"};
      throw Failure{what + " failed: " + ec.message()};
    };
    const bool has_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    const auto body = has_body ? std::string_view(request.body) : std::string_view();
    if (const auto ec = connection.secure ? write(*connection.secure, head, body) : write(*connection.plain, head, body)) {
      return on_error(ec, false, "sending the request to " + url.authority(true));
    }
    for (;;) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(kBodyLimit);
      if (request.method == "HEAD") parser.skip(true);
      const auto ec = connection.secure ? read(*connection.secure, connection.buffer, parser)
                                        : read(*connection.plain, connection.buffer, parser);
      if (ec) return on_error(ec, parser.got_some(), "waiting for the response");
      reused = false;  // bytes came back: no resend from here on
      auto& message = parser.get();
      const auto status = message.result_int();
      // Interim answers (103 Early Hints, a stray 100 Continue) precede the real one.
      if (status >= 100 && status < 200 && status != 101) continue;
      Response response;
      response.status = status;
      for (const auto& field : message) response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      response.body = std::move(message.body());
      if (!message.keep_alive()) connection_.reset();
      return response;
    }
  }

  static std::string connection_key(const Url& url, const std::optional<Url>& proxy, const ClientOptions& options) {
    std::string key = url.scheme + "://" + url.authority(true) + " via " + (proxy ? proxy->authority(true) + " " + proxy->userinfo : "-") +
                      " from " + options.source_address;
    if (url.scheme == "https") key += " verify " + std::to_string(options.verify_tls) + " " + options.ca_file;
    return key;
  }

  static std::string request_head(const Request& request, const Headers& sent_headers, const ClientOptions& options,
                                   const Url& url, const Url* http_proxy) {
    // Through an http proxy the request line carries the absolute URL (absolute-form), not only the path.
    std::string head = request.method + " " + (http_proxy ? url_for_log(url) : url.target) + " HTTP/1.1\r\n";
    const auto add = [&](std::string_view name, std::string_view value) {
      if (name.find_first_of("\r\n:") != std::string_view::npos || value.find_first_of("\r\n") != std::string_view::npos) {
        throw Failure{"header " + std::string(name) + " contains a line break or colon: not sent"};
      }
      head.append(name).append(": ").append(value).append("\r\n");
    };
    if (!find_header(sent_headers, "Host")) add("Host", url.authority(false));
    if (!find_header(sent_headers, "User-Agent") && !options.user_agent.empty()) add("User-Agent", options.user_agent);
    if (!find_header(sent_headers, "Accept")) add("Accept", "*/*");
    if (http_proxy && !http_proxy->userinfo.empty()) add("Proxy-Authorization", basic_credentials(http_proxy->userinfo));
    for (const auto& [name, value] : sent_headers) {
      // The length is ours to state; Expect would only add a 100-continue round trip.
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Expect")) continue;
      add(name, value);
    }
    const bool has_body = !request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    if (has_body) add("Content-Length", std::to_string(request.body.size()));
    head += "\r\n";
    return head;
  }

  std::unique_ptr<Connection> connect(const Url& url, const std::optional<Url>& proxy, const ClientOptions& options,
                                      const Deadlines& deadlines, const std::string& key) {
    auto connection = std::make_unique<Connection>();
    connection->key = key;
    const Url& hop = proxy ? *proxy : url;
    connection->plain = open_tcp(hop, options, deadlines);
    if (proxy && url.scheme == "https") tunnel(*connection, url, *proxy, options, deadlines);
    if (url.scheme == "https") handshake(*connection, url, options, deadlines);
    return connection;
  }

  std::unique_ptr<beast::tcp_stream> open_tcp(const Url& hop, const ClientOptions& options, const Deadlines& deadlines) {
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    if (const auto address = net::ip::make_address(hop.host, ec); !ec) {
      endpoints.emplace_back(address, static_cast<unsigned short>(std::stoi(hop.port)));
    } else {
      // getaddrinfo has its own timeouts; the connect deadline is checked once it returns.
      tcp::resolver resolver(ioc_);
      for (const auto& entry : resolver.resolve(hop.host, hop.port, ec)) endpoints.push_back(entry.endpoint());
      if (ec || endpoints.empty()) throw Failure{"cannot resolve host " + hop.host + ": " + (ec ? ec.message() : "no addresses")};
    }
    std::optional<net::ip::address> source;
    if (!options.source_address.empty()) {
      source = net::ip::make_address(options.source_address, ec);
      if (ec) throw Failure{"source address " + options.source_address + " is not an IP address"};
    }
    std::string last_error;
    for (const auto& endpoint : endpoints) {
      if (std::chrono::steady_clock::now() >= deadlines.connect) break;
      auto stream = std::make_unique<beast::tcp_stream>(ioc_);
      auto& socket = stream->socket();
      socket.open(endpoint.protocol(), ec);
      if (!ec && source) socket.bind(tcp::endpoint(*source, 0), ec);
      if (ec) {
        last_error = source ? "cannot bind to source address " + options.source_address + ": " + ec.message()
                            : "cannot open a socket: " + ec.message();
        continue;
      }
      stream->expires_at(deadlines.connect);
      stream->async_connect(endpoint, [&](error_code result) { ec = result; });
      run();
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        return stream;
      }
      last_error = "connect to " + endpoint_text(endpoint) +
                   (ec == beast::error::timeout ? " timed out after " + ms_text(deadlines.connect_timeout)
                                                : " failed: " + ec.message());
    }
    throw Failure{last_error.empty() ? "connect to " + hop.authority(true) + " timed out after " + ms_text(deadlines.connect_timeout)
                                     : last_error};
  }

  // HTTPS through a proxy: CONNECT host:port, then TLS inside the tunnel.
  void tunnel(Connection& connection, const Url& url, const Url& proxy, const ClientOptions& options,
              const Deadlines& deadlines) {
    const auto authority = url.authority(true);
    std::string head = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!options.user_agent.empty()) head += "User-Agent: " + options.user_agent + "\r\n";
    if (!proxy.userinfo.empty()) head += "Proxy-Authorization: " + basic_credentials(proxy.userinfo) + "\r\n";
    head += "\r\n";
    const auto where = "proxy " + proxy.authority(true);  // never its credentials
    connection.plain->expires_at(deadlines.connect);
    if (const auto ec = write(*connection.plain, head, {})) throw Failure{where + ": sending CONNECT failed: " + ec.message()};
    bhttp::response_parser<bhttp::empty_body> parser;
    parser.skip(true);  // a CONNECT answer has no body
    if (const auto ec = read(*connection.plain, connection.buffer, parser)) {
      throw Failure{where + (ec == beast::error::timeout ? ": no answer to CONNECT within " + ms_text(deadlines.connect_timeout)
                                                         : ": reading the CONNECT answer failed: " + ec.message())};
    }
    const auto& message = parser.get();
    if (message.result_int() / 100 != 2) {
      throw Failure{where + " refused CONNECT to " + authority + ": " + std::to_string(message.result_int()) + " " +
                    std::string(message.reason())};
    }
  }

  ssl::context& tls_context(const ClientOptions& options) {
    const auto settings = std::to_string(options.verify_tls) + options.ca_file;
    if (tls_ && tls_settings_ == settings) return *tls_;
    tls_.reset();
    ssl::context context(ssl::context::tls_client);
    SSL_CTX* native = context.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    if (auto problem = set_up_trust(native, options.verify_tls, options.ca_file); !problem.empty()) throw Failure{problem};
    tls_.emplace(std::move(context));
    tls_settings_ = settings;
    return *tls_;
  }

  void handshake(Connection& connection, const Url& url, const ClientOptions& options, const Deadlines& deadlines) {
    auto& context = tls_context(options);
    connection.secure = std::make_unique<TlsStream>(std::move(*connection.plain), context);
    connection.plain.reset();
    SSL* native = connection.secure->native_handle();
    if (auto problem = expect_peer(native, url.host, options.verify_tls); !problem.empty()) throw Failure{problem};
    connection.lowest().expires_at(deadlines.connect);
    error_code ec;
    connection.secure->async_handshake(ssl::stream_base::client, [&](error_code result) { ec = result; });
    run();
    if (!ec) return;
    if (options.verify_tls) {
      if (auto problem = verify_failure(native, url.host); !problem.empty()) throw Failure{problem};
    }
    if (ec == beast::error::timeout) {
      throw Failure{"TLS handshake with " + url.authority(true) + " timed out after " + ms_text(deadlines.connect_timeout)};
    }
    throw Failure{"TLS handshake with " + url.authority(true) + " failed: " + ec.message()};
  }

  net::io_context ioc_{1};
  std::optional<ssl::context> tls_;
  std::string tls_settings_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace

std::unique_ptr<Transport> make_lean_transport() { return std::make_unique<LeanTransport>(); }

}  // namespace rsolv::http
