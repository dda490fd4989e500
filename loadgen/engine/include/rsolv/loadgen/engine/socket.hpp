#pragma once
// The socket layer is a tiny vtable (as wrk's net.c/ssl.c): plain TCP and TLS connections share
// one connection state machine, which calls through `ops` and never asks which kind it holds.
#include <cstddef>

#include "rsolv/loadgen/engine/url.hpp"

typedef struct ssl_st SSL;

namespace rsolv::loadgen::engine {

enum class Io { ok, want_read, want_write, eof, error };

struct IoResult {
  Io status = Io::ok;
  std::size_t bytes = 0;
  int error = 0;  // errno, or an OpenSSL reason code for TLS errors
};

struct Socket;

struct SocketOps {
  // Drives the protocol handshake after the TCP connect (plain: nothing to do).
  Io (*handshake)(Socket&);
  IoResult (*read)(Socket&, char* buffer, std::size_t size);
  IoResult (*write)(Socket&, const char* data, std::size_t size);
  // Bytes already decrypted and buffered above the kernel (TLS), which epoll cannot see.
  std::size_t (*pending)(Socket&);
  // abortive: RST instead of FIN, so a load test's teardown leaves no TIME_WAIT behind.
  void (*close)(Socket&, bool abortive);
};

extern const SocketOps kPlainSocket;
extern const SocketOps kTlsSocket;

struct Socket {
  int fd = -1;
  SSL* ssl = nullptr;
  const SocketOps* ops = &kPlainSocket;
  bool open() const { return fd >= 0; }
};

// A non-blocking TCP socket with a connect in progress (TCP_NODELAY set). Returns the fd, or -1
// with `error` set when the connect failed at once.
int start_connect(const Address& address, int& error);
// After EPOLLOUT on a connecting socket: 0 when connected, else the errno of the failure.
int connect_result(int fd);
// Raises RLIMIT_NOFILE's soft limit towards `wanted` (capped at the hard limit); returns the new limit.
long raise_fd_limit(long wanted);

}  // namespace rsolv::loadgen::engine
