#include "rsolv/webhook_sim/listener.hpp"

#include <poll.h>

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "rsolv/common/error.hpp"
#include "rsolv/stripe/signature.hpp"

namespace rsolv::webhook_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct Listener::Impl {
  ListenOptions options;
  LineSink sink;
  Clock* clock;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
  std::atomic<std::int64_t> served{0};
  std::map<std::string, int> deliveries_per_event;

  void handle(tcp::socket socket);
};

namespace {

tcp::endpoint parse_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) throw UsageError("--listen takes HOST:PORT (e.g. 127.0.0.1:0), not '" + address + "'");
  auto host = address.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code error;
  const auto ip = asio::ip::make_address(host, error);
  int port = -1;
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (error || port < 0 || port > 65535) {
    throw UsageError("--listen takes HOST:PORT with a literal IP (e.g. 127.0.0.1:0), not '" + address + "'");
  }
  return {ip, static_cast<unsigned short>(port)};
}

}  // namespace

void Listener::Impl::handle(tcp::socket socket) {
  // A slow or silent client must not hold the single serving thread for long.
  struct timeval timeout{5, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  beast::flat_buffer buffer;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(4 * 1024 * 1024);
  boost::system::error_code error;
  bhttp::read(socket, buffer, parser, error);
  if (error) return;
  const auto& request = parser.get();
  const std::string body = request.body();
  std::string signature;
  if (auto it = request.find("Stripe-Signature"); it != request.end()) signature = std::string(it->value());

  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock->now().time_since_epoch()).count();
  nlohmann::json line = {{"received_at_unix_ms", now_ms}, {"method", std::string(request.method_string())},
                         {"target", std::string(request.target())}, {"bytes", body.size()}};
  const auto verdict = stripe::verify(signature, body, std::span<const Secret>(options.secrets), clock->unix_seconds(),
                                      options.tolerance_seconds);
  const auto parsed = stripe::parse_signature_header(signature);
  if (parsed.header) line["signature_t"] = parsed.header->timestamp;
  auto event = nlohmann::json::parse(body, nullptr, false);
  const bool is_event = event.is_object() && event.contains("id") && event["id"].is_string();
  line["event_id"] = is_event ? event["id"] : nlohmann::json(nullptr);
  line["type"] = is_event && event.contains("type") ? event["type"] : nlohmann::json(nullptr);
  line["verified"] = verdict.ok();
  int status = options.invalid_status;
  nlohmann::json answer;
  if (verdict.ok()) {
    const auto id = is_event ? event["id"].get<std::string>() : std::string();
    const int delivery = ++deliveries_per_event[id];
    line["delivery"] = delivery;
    status = options.respond[std::min<std::size_t>(static_cast<std::size_t>(delivery - 1), options.respond.size() - 1)];
    answer = {{"received", true}};
  } else {
    line["reason"] = verdict.reason;
    answer = {{"error", "invalid_signature"}, {"message", verdict.reason}};
  }
  line["status"] = status;
  if (options.include_events && is_event) line["event"] = event;

  bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(status), request.version()};
  response.set(bhttp::field::content_type, "application/json");
  response.set(bhttp::field::connection, "close");
  response.keep_alive(false);
  response.body() = answer.dump();
  response.prepare_payload();
  // Recorded before answering: once a sender has its answer, the line is there.
  if (sink) sink(line.dump());
  ++served;
  bhttp::write(socket, response, error);
  socket.shutdown(tcp::socket::shutdown_both, error);
}

Listener::Listener(ListenOptions options, LineSink sink, Clock& clock) : impl_(std::make_unique<Impl>()) {
  if (options.respond.empty()) options.respond = {200};
  for (int code : options.respond) {
    if (code < 100 || code > 599) throw UsageError("--respond takes HTTP status codes (100-599), not " + std::to_string(code));
  }
  impl_->options = std::move(options);
  impl_->sink = std::move(sink);
  impl_->clock = &clock;
  const auto endpoint = parse_address(impl_->options.address);
  boost::system::error_code error;
  impl_->acceptor.open(endpoint.protocol(), error);
  if (!error) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl_->acceptor.bind(endpoint, error);
  if (!error) impl_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) throw Error("cannot listen on " + impl_->options.address + ": " + error.message());
}

Listener::~Listener() = default;

std::string Listener::bound_address() const {
  const auto endpoint = impl_->acceptor.local_endpoint();
  const auto host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]" : endpoint.address().to_string();
  return host + ":" + std::to_string(endpoint.port());
}

int Listener::port() const { return impl_->acceptor.local_endpoint().port(); }

void Listener::run() {
  while (!impl_->stopping.load()) {
    if (impl_->options.max_requests > 0 && impl_->served.load() >= impl_->options.max_requests) break;
    pollfd fd{impl_->acceptor.native_handle(), POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    boost::system::error_code error;
    tcp::socket socket(impl_->io);
    impl_->acceptor.accept(socket, error);
    if (error) continue;
    impl_->handle(std::move(socket));
  }
}

void Listener::stop() { impl_->stopping.store(true); }

std::int64_t Listener::requests() const { return impl_->served.load(); }

}  // namespace rsolv::webhook_sim
