// A tiny HTTP server whose misbehaviours the process tests ask for by flag:
//   --port N               listen on N instead of an ephemeral port (for ReadyBy::tcp_connect)
//   --crash-before-ready   write to stderr and exit 3 before printing an address
//   --never-ready          sleep without printing anything
//   --ignore-sigterm       survive SIGTERM (the harness must SIGKILL it)
//   --health-after-ms N    answer /health with 503 for the first N ms
//   --stdout-lines N       after the address, print N more lines (they must not block the child)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {
volatile std::sig_atomic_t stop_requested = 0;
void on_sigterm(int) { stop_requested = 1; }
}  // namespace

int main(int argc, char** argv) {
  int port = 0, health_after_ms = 0, stdout_lines = 0;
  bool crash = false, never_ready = false, ignore_sigterm = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--port" && i + 1 < argc) port = std::atoi(argv[++i]);
    else if (arg == "--crash-before-ready") crash = true;
    else if (arg == "--never-ready") never_ready = true;
    else if (arg == "--ignore-sigterm") ignore_sigterm = true;
    else if (arg == "--health-after-ms" && i + 1 < argc) health_after_ms = std::atoi(argv[++i]);
    else if (arg == "--stdout-lines" && i + 1 < argc) stdout_lines = std::atoi(argv[++i]);
  }
  if (crash) {
    std::fprintf(stderr, "fixture: database file is locked\n");
    return 3;
  }
  if (never_ready) {
    for (int i = 0; i < 600; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return 0;
  }
  std::signal(SIGTERM, ignore_sigterm ? SIG_IGN : on_sigterm);
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t length = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 64) != 0) {
    std::perror("fixture: bind");
    return 4;
  }
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::printf("listening on http://127.0.0.1:%d\n", ntohs(address.sin_port));
  for (int i = 0; i < stdout_lines; ++i) std::printf("log line %d with some padding to fill the pipe quickly........\n", i);
  std::fflush(stdout);
  const auto started = std::chrono::steady_clock::now();
  timeval tick{0, 100000};
  ::setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
  while (!stop_requested) {
    const int client = ::accept(listener, nullptr, nullptr);
    if (client < 0) continue;
    char buffer[2048];
    const auto n = ::recv(client, buffer, sizeof buffer - 1, 0);
    const std::string request(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
    const bool health = request.rfind("GET /health ", 0) == 0;
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    const char* status = !health ? "404 Not Found" : (elapsed < health_after_ms ? "503 Service Unavailable" : "200 OK");
    const std::string response = std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
    ::close(client);
  }
  return 0;
}
