// The sandbox's request handling as a socket reaches it, without the socket: bytes go into a
// Beast request_parser with the server's limits (harness/http/src/server.cpp reads each request
// of a connection within the same limits), each parsed request goes to the App on a real SQLite database (seeded, so
// "rsolv_FUZZKEY" in the input stands for a live API key), and a limit hit goes to App::reject.
// Every answer must be a real status, and every JSON answer valid JSON.
#include <stdlib.h>

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include <boost/beast/http.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "fuzz_target.hpp"
#include "rsolv/common/clock.hpp"
#include "rsolv/http/server.hpp"
#include "rsolv/sandbox/platform.hpp"
#include "rsolv/sandbox/server/app.hpp"

namespace {

using namespace rsolv;
using namespace rsolv::sandbox;
namespace beast_http = boost::beast::http;

constexpr std::string_view kKeyPlaceholder = "rsolv_FUZZKEY";

struct Sandbox {
  std::filesystem::path dir;
  std::unique_ptr<Platform> platform;
  std::unique_ptr<server::App> app;
  std::string key;

  Sandbox() {
    // tmpfs when there is one: SQLite syncs every commit, a disk would set the pace.
    std::string pattern = (std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp") + std::string("/rsolv-fuzz-XXXXXX");
    dir = ::mkdtemp(pattern.data());
    PlatformConfig config;
    config.db_path = (dir / "sandbox.db").string();
    config.webhook_secrets.emplace_back("whsec_fuzz");
    config.connections = 1;
    platform = std::make_unique<Platform>(std::move(config), SystemClock::instance());
    for (const auto& customer : platform->seed()) {
      if (customer.state == "pro_active") key = customer.api_key;
    }
    server::AppOptions options;
    options.onboard = {1'000'000'000, 3600};  // limits are not under test here; every route is
    options.api = {1'000'000'000, 3600};
    app = std::make_unique<server::App>(*platform, options, SystemClock::instance());
  }
  ~Sandbox() {
    app.reset();
    platform.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

Sandbox& fixture() {
  static Sandbox instance;
  return instance;
}

std::string_view sv(boost::beast::string_view text) { return {text.data(), text.size()}; }

void check(const server::HttpResponse& response, const std::string& what) {
  FUZZ_CHECK(response.status >= 100 && response.status <= 599, what + ": status " + std::to_string(response.status));
  if (response.content_type.starts_with("application/json")) {
    FUZZ_CHECK(nlohmann::json::accept(response.body), what + ": a JSON answer that is not JSON: " + response.body);
  }
}

}  // namespace

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  auto& box = fixture();
  std::string wire(reinterpret_cast<const char*>(data), size);
  for (auto at = wire.find(kKeyPlaceholder); at != std::string::npos; at = wire.find(kKeyPlaceholder, at + box.key.size())) {
    wire.replace(at, kKeyPlaceholder.size(), box.key);
  }
  const rsolv::http::ServerOptions limits;
  std::string_view rest = wire;
  // Pipelined requests on one connection: each gets a fresh parser, as in the server.
  for (int request = 0; request < 4 && !rest.empty(); ++request) {
    beast_http::request_parser<beast_http::string_body> parser;
    parser.body_limit(limits.body_limit);
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.eager(true);
    boost::beast::error_code ec;
    try {
      while (!parser.is_done()) {
        const auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        rest.remove_prefix(used);
        if (ec == beast_http::error::need_more) {
          ec = {};
          if (used == 0) {
            parser.put_eof(ec);  // nothing more will come: the client closed
            break;
          }
          continue;
        }
        if (ec || used == 0) break;
      }
    } catch (const std::length_error&) {
      // Beast's basic_fields throws this for an oversized trailer field; the server closes that
      // connection, which is all a client can observe.
      return;
    }
    if (ec == beast_http::error::body_limit || ec == beast_http::error::header_limit) {
      const auto status = ec == beast_http::error::body_limit ? 413 : 431;
      check(box.app->reject(sv(parser.get().method_string()), sv(parser.get().target()), status, "too_large", "limit"),
            "reject");
      return;
    }
    if (ec || !parser.is_done()) {
      check(box.app->reject({}, {}, 400, "bad_request", "Malformed HTTP/1.1 request."), "bad request");
      return;
    }
    const auto& message = parser.get();
    const std::string method(sv(message.method_string()));
    server::HttpRequest parsed;
    parsed.method = method;
    parsed.target = sv(message.target());
    for (const auto& field : message) parsed.headers.emplace_back(sv(field.name_string()), sv(field.value()));
    parsed.body = message.body();
    parsed.client_ip = "127.0.0.1";
    parsed.request_id = "fuzz";
    check(box.app->handle(parsed), method + " " + std::string(parsed.target));
    if (!message.keep_alive()) return;
  }
}
