// rsolv-webhook-sim's listener, through its socket on loopback (its handler takes a connection):
// any bytes a client sends get an answer or a close, never a crash, and every JSON line it writes
// is valid JSON. "Stripe-Signature: FUZZSIG" in the input becomes a valid signature of the body,
// so verified deliveries (and --print-events) are reached too.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it

#include <boost/asio.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "fuzz_target.hpp"
#include "rsolv/common/clock.hpp"
#include "rsolv/stripe/signature.hpp"
#include "rsolv/webhook_sim/listener.hpp"

namespace {

using namespace rsolv;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Lines {
  std::mutex mutex;
  std::vector<std::string> all;
};

struct Fixture {
  Lines lines;
  Secret secret{"whsec_fuzzlistener"};
  std::unique_ptr<webhook_sim::Listener> listener;
  Fixture() {
    webhook_sim::ListenOptions options;
    options.address = "127.0.0.1:0";
    options.secrets.push_back(secret);
    options.include_events = true;
    options.respond = {500, 200};
    listener = std::make_unique<webhook_sim::Listener>(options, [this](const std::string& line) {
      std::lock_guard lock(lines.mutex);
      lines.all.push_back(line);
    });
    // Serves until the process ends; never joined (the fixture lives as long as the process).
    std::thread([this] { listener->run(); }).detach();
  }
};

Fixture& fixture() {
  static auto* instance = new Fixture();  // never destroyed: its thread runs until exit
  return *instance;
}

}  // namespace

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  auto& f = fixture();
  std::string wire(reinterpret_cast<const char*>(data), size);
  if (const auto at = wire.find("FUZZSIG"); at != std::string::npos) {
    const auto body_at = wire.find("\r\n\r\n");
    const auto body = body_at == std::string::npos ? std::string() : wire.substr(body_at + 4);
    wire.replace(at, 7, stripe::sign(f.secret, SystemClock::instance().unix_seconds(), body));
  }

  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  // libFuzzer's once-a-second SIGALRM (its -timeout watchdog) interrupts blocking calls: EINTR is
  // the harness's, not the listener's, so those calls are retried (a bounded number of times).
  constexpr int kMaxInterruptions = 100;
  for (int attempt = 0; attempt < kMaxInterruptions; ++attempt) {
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(f.listener->port())}, ec);
    if (ec != asio::error::interrupted) break;
    socket.close();
  }
  FUZZ_CHECK(!ec, "the listener stopped accepting: " + ec.message());
  struct timeval timeout{10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  asio::write(socket, asio::buffer(wire), ec);  // it may answer and close before taking it all
  socket.shutdown(tcp::socket::shutdown_send, ec);
  std::string answer;
  char buffer[4096];
  for (int interruptions = 0;;) {
    const auto n = socket.read_some(asio::buffer(buffer), ec);
    answer.append(buffer, n);
    if (ec == asio::error::interrupted && ++interruptions < kMaxInterruptions) continue;
    if (ec) break;
  }
  FUZZ_CHECK(ec != asio::error::would_block && ec != asio::error::try_again,
             "no answer and no close within 10 s");
  if (!answer.empty()) FUZZ_CHECK(answer.starts_with("HTTP/1."), "not an HTTP answer: " + answer.substr(0, 80));

  std::vector<std::string> lines;
  {
    std::lock_guard lock(f.lines.mutex);
    lines.swap(f.lines.all);
  }
  for (const auto& line : lines) FUZZ_CHECK(nlohmann::json::accept(line), "a JSON line that is not JSON: " + line);
}
