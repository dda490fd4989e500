#pragma once
// TLS trust for the lean transport (beast_transport.cpp): which CA certificates a client context
// trusts, and which host name or IP address a server's certificate must carry. Each function
// returns a one-line problem, empty when there is none, for the transport to report.
#include <openssl/ssl.h>

#include <string>

namespace rsolv::http {

// Peer verification on or off. With it on, the trust anchors are `ca_file`, else SSL_CERT_FILE /
// SSL_CERT_DIR, else the system's hashed CA directory (read lazily, one issuer at a time), else
// its bundle.
std::string set_up_trust(SSL_CTX* context, bool verify, const std::string& ca_file);

// SNI for a host name (never for an IP address: SNI carries names only) and, with `verify`, the name or address
// the certificate must match.
std::string expect_peer(SSL* connection, const std::string& host, bool verify);

// After a failed handshake: why the certificate of `host` was refused, empty when it was not.
std::string verify_failure(SSL* connection, const std::string& host);

}  // namespace rsolv::http
