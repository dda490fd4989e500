#include "test_servers.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "rsolv/http/transport.hpp"
#ifdef RSOLV_HAVE_CURL
#include "rsolv/http/curl_transport.hpp"
#endif

namespace rsolv::http::test {

Client make_client([[maybe_unused]] const std::string& transport, ClientOptions options, Clock& clock, Random random) {
#ifdef RSOLV_HAVE_CURL
  if (transport == "curl") return Client(make_curl_transport(), std::move(options), clock, std::move(random));
#endif
  return Client(std::move(options), clock, std::move(random));
}

LoopbackListener::LoopbackListener(Handler handler, bool ipv6)
    : handler_(std::move(handler)), listener_(rsolv::testing::listen_on_loopback({.backlog = 64, .ipv6 = ipv6})) {
  acceptor_ = std::thread([this] {
    while (!stopping_) {
      const int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      std::lock_guard lock(mutex_);
      fds_.push_back(fd);
      workers_.emplace_back([this, fd] {
        handler_(fd);
        ::shutdown(fd, SHUT_RDWR);
      });
    }
  });
}

LoopbackListener::~LoopbackListener() {
  stopping_ = true;
  listener_.shutdown();  // wakes the acceptor; the socket closes with the member
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& worker : workers_) worker.join();
  for (int fd : fds_) ::close(fd);
}

std::string LoopbackListener::base_url(const std::string& scheme, const std::string& host) const {
  return scheme + "://" + host + ":" + std::to_string(listener_.port());
}

std::optional<std::string> read_head(int fd, std::string& pending) {
  for (;;) {
    if (const auto end = pending.find("\r\n\r\n"); end != std::string::npos) {
      auto head = pending.substr(0, end + 4);
      pending.erase(0, end + 4);
      return head;
    }
    char buffer[4096];
    const auto got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) return std::nullopt;
    pending.append(buffer, static_cast<std::size_t>(got));
  }
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

int connect_to(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const bool ok = fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  ::freeaddrinfo(found);
  if (!ok && fd >= 0) ::close(fd);
  return ok ? fd : -1;
}

namespace {

// One side of a relay: a plain socket, or a socket under TLS.
struct Side {
  int fd;
  SSL* ssl = nullptr;
  long read(char* buffer, int size) const { return ssl ? SSL_read(ssl, buffer, size) : ::recv(fd, buffer, size, 0); }
  bool write(const char* data, long size) const {
    return ssl ? SSL_write(ssl, data, static_cast<int>(size)) == size : send_all(fd, std::string_view(data, size));
  }
  bool pending() const { return ssl && SSL_pending(ssl) > 0; }
};

// Copies bytes both ways until either side closes.
void relay(Side a, Side b) {
  char buffer[16384];
  for (;;) {
    pollfd fds[2] = {{a.fd, POLLIN, 0}, {b.fd, POLLIN, 0}};
    if (!a.pending() && !b.pending() && ::poll(fds, 2, 10000) <= 0) return;
    for (int i = 0; i < 2; ++i) {
      const Side& from = i == 0 ? a : b;
      const Side& to = i == 0 ? b : a;
      if (!from.pending() && !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const long got = from.read(buffer, sizeof buffer);
      if (got <= 0 || !to.write(buffer, got)) return;
    }
  }
}

}  // namespace

TestCertificate::TestCertificate(const std::string& common_name) {
  cert_file = dir.file("cert.pem");
  key_file = dir.file("key.pem");
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  const std::string san = "DNS:" + common_name;
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, san.c_str()}, std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(cert, key, EVP_sha256());
  FILE* out = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
}

std::string subject_hash_name(const std::string& cert_file) {
  FILE* in = std::fopen(cert_file.c_str(), "r");
  X509* cert = in ? PEM_read_X509(in, nullptr, nullptr, nullptr) : nullptr;
  if (in) std::fclose(in);
  if (!cert) throw std::runtime_error("cannot read " + cert_file);
  char name[32];
  std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(cert));
  X509_free(cert);
  return name;
}

TlsTerminator::TlsTerminator(int upstream_port, const TestCertificate& certificate) : upstream_port_(upstream_port) {
  // OpenSSL writes to the socket with write(2): a client that hung up must not kill the test.
  std::signal(SIGPIPE, SIG_IGN);
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (SSL_CTX_use_certificate_file(context, certificate.cert_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, certificate.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("TlsTerminator: cannot load the test certificate");
  }
  context_ = context;
  listener_ = std::make_unique<LoopbackListener>([this](int fd) {
    SSL* ssl = SSL_new(static_cast<SSL_CTX*>(context_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      ++handshakes_;
      const int upstream = connect_to("127.0.0.1", upstream_port_);
      if (upstream >= 0) {
        relay({fd, ssl}, {upstream});
        ::close(upstream);
      }
    }
    SSL_free(ssl);
  });
}

TlsTerminator::~TlsTerminator() {
  listener_.reset();
  SSL_CTX_free(static_cast<SSL_CTX*>(context_));
}

ForwardProxy::ForwardProxy(std::optional<std::string> credentials)
    : credentials_(std::move(credentials)), listener_([this](int fd) { serve(fd); }) {}

std::vector<std::string> ForwardProxy::request_lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

void ForwardProxy::serve(int fd) {
  std::string pending;
  auto head = read_head(fd, pending);
  if (!head) return;
  const auto line = head->substr(0, head->find("\r\n"));
  {
    std::lock_guard lock(mutex_);
    lines_.push_back(line);
  }
  if (credentials_) {
    unsigned char encoded[256] = {};
    EVP_EncodeBlock(encoded, reinterpret_cast<const unsigned char*>(credentials_->data()), static_cast<int>(credentials_->size()));
    if (head->find("\r\nProxy-Authorization: Basic " + std::string(reinterpret_cast<char*>(encoded)) + "\r\n") == std::string::npos) {
      send_all(fd, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                   "Content-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
  }
  // "METHOD TARGET HTTP/1.1": CONNECT host:port, or an absolute http:// URL.
  const auto first_space = line.find(' ');
  const auto second_space = line.find(' ', first_space + 1);
  const auto method = line.substr(0, first_space);
  const auto target = line.substr(first_space + 1, second_space - first_space - 1);
  std::string authority = target;
  std::string origin_form;
  if (method != "CONNECT") {
    if (!target.starts_with("http://")) {
      send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const auto slash = target.find('/', 7);
    authority = target.substr(7, slash - 7);
    origin_form = slash == std::string::npos ? "/" : target.substr(slash);
  }
  const auto colon = authority.rfind(':');
  const int upstream = connect_to(authority.substr(0, colon), std::stoi(authority.substr(colon + 1)));
  if (upstream < 0) {
    send_all(fd, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  if (method == "CONNECT") {
    send_all(fd, "HTTP/1.1 200 Connection established\r\n\r\n");
  } else {
    send_all(upstream, method + " " + origin_form + head->substr(second_space));
  }
  if (!pending.empty()) send_all(upstream, pending);
  relay({fd}, {upstream});
  ::close(upstream);
}

ScopedEnv::ScopedEnv(std::initializer_list<std::pair<const char*, const char*>> values) {
  for (const auto& [name, value] : values) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
}

ScopedEnv::~ScopedEnv() {
  for (const auto& [name, value] : saved_) {
    if (value) ::setenv(name.c_str(), value->c_str(), 1);
    else ::unsetenv(name.c_str());
  }
}

}  // namespace rsolv::http::test
