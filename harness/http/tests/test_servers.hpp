#pragma once
// Real loopback peers for the transport contract tests, beside rsolv::testing::ScriptedServer:
//   LoopbackListener  accepts on 127.0.0.1 and hands each connection to a handler thread
//                     (hand-written wire answers: chunked bodies, idle closes), counts connections;
//   TestCertificate   a self-signed EC certificate for "localhost" (no IP SAN), written as PEM;
//   TlsTerminator     TLS on 127.0.0.1 in front of a plain upstream port (e.g. a ScriptedServer);
//   ForwardProxy      an HTTP proxy: CONNECT tunnels and absolute-form requests, optional Basic auth.
#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rsolv/http/client.hpp"
#include "rsolv/testing/loopback.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::http::test {

// The transports every contract test runs against: "lean" (the default constructors, which every
// tool uses) and, where the build has libcurl, "curl" (the reference the lean one must match).
#ifdef RSOLV_HAVE_CURL
inline const auto kTransports = ::testing::Values(std::string("curl"), std::string("lean"));
#else
inline const auto kTransports = ::testing::Values(std::string("lean"));
#endif
inline std::string transport_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }
Client make_client(const std::string& transport, ClientOptions options, Clock& clock, Random random);

class LoopbackListener {
 public:
  using Handler = std::function<void(int fd)>;
  // Listens on 127.0.0.1, or on ::1 when `ipv6`.
  explicit LoopbackListener(Handler handler, bool ipv6 = false);
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  int port() const { return listener_.port(); }
  std::string base_url(const std::string& scheme = "http", const std::string& host = "127.0.0.1") const;
  int connections() const { return connections_; }

 private:
  Handler handler_;
  rsolv::testing::LoopbackPort listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<int> fds_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

// Reads one request head (up to and including the blank line) from fd; nullopt on EOF/error.
std::optional<std::string> read_head(int fd, std::string& pending);
bool send_all(int fd, std::string_view data);
// Opens a TCP connection to 127.0.0.1:port (or the given host); -1 on failure.
int connect_to(const std::string& host, int port);

struct TestCertificate {
  explicit TestCertificate(const std::string& common_name = "localhost");
  rsolv::testing::TempDir dir{"rsolv-tls"};  // holds both files
  std::string cert_file;  // PEM, also the CA file that trusts it
  std::string key_file;
};

// "<subject hash>.0", the name OpenSSL looks a certificate up by in a hashed CA directory.
std::string subject_hash_name(const std::string& cert_file);

class TlsTerminator {
 public:
  TlsTerminator(int upstream_port, const TestCertificate& certificate);
  ~TlsTerminator();
  int port() const { return listener_->port(); }
  // "https://localhost:PORT" (what the certificate names) or another host spelling.
  std::string base_url(const std::string& host = "localhost") const { return listener_->base_url("https", host); }
  int handshakes() const { return handshakes_; }

 private:
  void* context_ = nullptr;  // SSL_CTX
  int upstream_port_;
  std::atomic<int> handshakes_{0};
  std::unique_ptr<LoopbackListener> listener_;
};

class ForwardProxy {
 public:
  // When `credentials` ("user:pass") is set, requests without them get 407.
  explicit ForwardProxy(std::optional<std::string> credentials = std::nullopt);
  int port() const { return listener_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  // Request lines seen ("CONNECT localhost:443 HTTP/1.1", "GET http://... HTTP/1.1").
  std::vector<std::string> request_lines() const;

 private:
  void serve(int fd);
  std::optional<std::string> credentials_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  LoopbackListener listener_;
};

// Sets environment variables for the scope of a test and restores them after.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<const char*, const char*>> values);
  ~ScopedEnv();

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace rsolv::http::test
