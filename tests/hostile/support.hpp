#pragma once
// The attacker's side of the hostile suite: raw loopback sockets that send exactly the bytes a
// test wants (no client library smooths them), a liveness probe timed from its first byte, and
// the target's resident memory read from /proc.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::hostile {

using namespace std::chrono_literals;

// How fast a server must answer once an attack ended (100 ms; sanitizer builds run
// several times slower, so they get 5x).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::chrono::milliseconds kAnswerBound{500};
// ASan's shadow memory and quarantine: an ASan-built sandbox idles at about 75 MiB.
inline constexpr long kRssScale = 3;
#else
inline constexpr std::chrono::milliseconds kAnswerBound{100};
inline constexpr long kRssScale = 1;
#endif

// A blocking TCP connection to 127.0.0.1:port; every wait is bounded by the timeout given.
class RawConnection {
 public:
  explicit RawConnection(int port);  // throws std::runtime_error when the connect fails
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&&) = delete;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False once the peer has closed or reset.
  bool send(std::string_view bytes);
  // One HTTP response (head + Content-Length body), or what arrived before the peer closed or
  // the timeout passed.
  std::string read_response(std::chrono::milliseconds timeout = 3s);
  // Whether the peer closed the connection (EOF or reset) within the timeout, reading and
  // discarding whatever else it sends.
  bool closed_by_peer(std::chrono::milliseconds timeout);
  // Closes with RST instead of FIN.
  void reset();

 private:
  int fd_ = -1;
  std::string pending_;
};

int status_of(const std::string& response);    // 0 when there is no status line
std::string body_of(const std::string& response);

// Sends `request` on a fresh connection and returns the response (empty when none came).
std::string exchange(int port, const std::string& request, std::chrono::milliseconds timeout = 3s);

struct Probe {
  int status = 0;
  std::chrono::microseconds elapsed{0};  // connect + request + response
};
// One GET of `path` on a fresh connection, timed from the connect.
Probe probe(int port, const std::string& path = "/api/health");

// VmRSS of the process in KiB (0 when it is gone).
long rss_kib(pid_t pid);

// Raises this process's soft descriptor limit to at least `wanted` (children inherit it); returns
// the limit now in force.
long raise_fd_limit(long wanted);

}  // namespace rsolv::hostile
