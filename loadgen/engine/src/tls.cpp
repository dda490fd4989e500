#include "rsolv/loadgen/engine/tls.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::engine {

namespace {

Io tls_status(SSL* ssl, int rc) {
  switch (SSL_get_error(ssl, rc)) {
    case SSL_ERROR_WANT_READ: return Io::want_read;
    case SSL_ERROR_WANT_WRITE: return Io::want_write;
    case SSL_ERROR_ZERO_RETURN: return Io::eof;
    default: return Io::error;
  }
}

Io tls_handshake(Socket& s) {
  ERR_clear_error();
  const int rc = SSL_connect(s.ssl);
  if (rc == 1) return Io::ok;
  return tls_status(s.ssl, rc);
}

IoResult tls_read(Socket& s, char* buffer, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  const int rc = SSL_read_ex(s.ssl, buffer, size, &n);
  if (rc == 1) return {Io::ok, n, 0};
  const Io status = tls_status(s.ssl, rc);
  // A peer that closes without close_notify (common for HTTP servers) is an EOF, not an error.
  if (status == Io::error && SSL_get_error(s.ssl, rc) == SSL_ERROR_SYSCALL) return {Io::eof, 0, 0};
  return {status, 0, static_cast<int>(ERR_peek_last_error() & 0x7fffffff)};
}

IoResult tls_write(Socket& s, const char* data, std::size_t size) {
  ERR_clear_error();
  std::size_t n = 0;
  const int rc = SSL_write_ex(s.ssl, data, size, &n);
  if (rc == 1) return {Io::ok, n, 0};
  return {tls_status(s.ssl, rc), 0, static_cast<int>(ERR_peek_last_error() & 0x7fffffff)};
}

std::size_t tls_pending(Socket& s) { return s.ssl != nullptr ? static_cast<std::size_t>(SSL_pending(s.ssl)) : 0; }

void tls_close(Socket& s, bool abortive) {
  if (s.ssl != nullptr) {
    if (!abortive) SSL_shutdown(s.ssl);  // best effort close_notify, never waits
    SSL_free(s.ssl);
    s.ssl = nullptr;
  }
  kPlainSocket.close(s, abortive);
  s.ops = &kPlainSocket;
}

}  // namespace

const SocketOps kTlsSocket{tls_handshake, tls_read, tls_write, tls_pending, tls_close};

TlsContext::TlsContext(bool verify_peer, const std::string& ca_file) : verify_(verify_peer) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) throw Error("cannot create a TLS context: " + tls_error_string(0));
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  if (verify_) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_default_verify_paths(ctx_);
    if (!ca_file.empty() && SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) {
      SSL_CTX_free(ctx_);
      throw UsageError("cannot load the CA bundle '" + ca_file + "' (give a PEM file)");
    }
  } else {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

bool TlsContext::attach(Socket& socket, const std::string& host) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return false;
  SSL_set_fd(ssl, socket.fd);
  in6_addr probe{};
  const bool is_ip = inet_pton(AF_INET, host.c_str(), &probe) == 1 || inet_pton(AF_INET6, host.c_str(), &probe) == 1;
  if (!is_ip) SSL_set_tlsext_host_name(ssl, host.c_str());  // SNI is for names only
  if (verify_) {
    if (is_ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    } else {
      SSL_set1_host(ssl, host.c_str());
    }
  }
  SSL_set_connect_state(ssl);
  socket.ssl = ssl;
  socket.ops = &kTlsSocket;
  return true;
}

std::string tls_error_string(int code) {
  unsigned long error = code != 0 ? static_cast<unsigned long>(code) : ERR_peek_last_error();
  if (error == 0) return "TLS error";
  char text[256];
  ERR_error_string_n(error, text, sizeof text);
  return text;
}

}  // namespace rsolv::loadgen::engine
