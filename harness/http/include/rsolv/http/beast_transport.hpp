#pragma once
// A lean transport: Boost.Beast's HTTP/1.1 parser over Asio sockets and OpenSSL, synchronous with
// deadlines, no libcurl. Loads only libssl/libcrypto, and reads CA certificates lazily (a hashed
// directory when there is one), so a process that makes one call starts and ends in a few ms.
// What it does like libcurl: keep-alive across calls (one connection, re-opened when the host,
// port, scheme, proxy or source address changes, or when it was found dead), http_proxy /
// https_proxy / HTTPS_PROXY / all_proxy / no_proxy from the environment (CONNECT tunnel for
// https, absolute-form for http), TLS peer and hostname verification with SNI, ca_file, source
// address, HEAD, chunked and Content-Length responses. Responses are capped at 64 MiB.
#include <memory>

#include "rsolv/http/transport.hpp"

namespace rsolv::http {

std::unique_ptr<Transport> make_lean_transport();

}  // namespace rsolv::http
