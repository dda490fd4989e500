#pragma once
// TLS client context (OpenSSL). One per run; SSL objects are created from it by any thread.
#include <string>

#include "rsolv/loadgen/engine/socket.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace rsolv::loadgen::engine {

class TlsContext {
 public:
  // verify_peer: check the certificate chain against the system store and the host name.
  // ca_file: an extra PEM bundle to trust (a test CA), may be empty.
  explicit TlsContext(bool verify_peer = true, const std::string& ca_file = {});
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Turns a connected TCP socket into a TLS one (handshake pending, SNI and host check set).
  // Returns false when OpenSSL could not allocate the session.
  bool attach(Socket& socket, const std::string& host) const;

 private:
  SSL_CTX* ctx_ = nullptr;
  bool verify_ = true;
};

// The last OpenSSL error on this thread as one line (for failed handshakes).
std::string tls_error_string(int code);

}  // namespace rsolv::loadgen::engine
