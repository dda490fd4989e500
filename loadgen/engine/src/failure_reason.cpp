#include "rsolv/loadgen/engine/failure_reason.hpp"

#include <openssl/err.h>

#include <cerrno>
#include <cstring>

namespace rsolv::loadgen::engine {

namespace {

// glibc's description of an errno: a static string (strerror's buffer may be reused).
const char* describe(int error) {
  if (error == 0) return "unknown error";
  const char* text = strerrordesc_np(error);
  return text != nullptr ? text : "unknown error";
}

}  // namespace

FailureReason failure_reason(Failure failure, int sys_error, const char* parser_error, bool received) {
  switch (failure) {
    case Failure::connect:
      if (sys_error == ECONNREFUSED) return {kErrorDialRefused, "dial", "connection refused"};
      if (sys_error == ETIMEDOUT) return {kErrorDialTimeout, "dial", "i/o timeout"};
      return {kErrorDial, "dial", describe(sys_error)};
    case Failure::tls: {
      const char* reason = sys_error != 0 ? ERR_reason_error_string(static_cast<unsigned long>(sys_error)) : nullptr;
      return {kErrorTls, "tls", reason != nullptr ? reason : "handshake failed"};
    }
    case Failure::write:
    case Failure::read: {
      const char* op = failure == Failure::write ? "write" : "read";
      if (sys_error == ECONNRESET) return {kErrorResetByPeer, op, "connection reset by peer"};
      if (sys_error == EPIPE) return {kErrorBrokenPipe, op, "broken pipe"};
      return {kErrorTcp, op, describe(sys_error)};
    }
    case Failure::closed:
      return received ? FailureReason{kErrorGeneric, "", "unexpected EOF (connection closed mid-response)"}
                      : FailureReason{kErrorGeneric, "", "EOF (connection closed before a response)"};
    case Failure::protocol:
      return {kErrorGeneric, "malformed response", parser_error != nullptr ? parser_error : "unparsable"};
    case Failure::timeout: return {kErrorRequestTimeout, "", "request timeout"};
    case Failure::none:
    case Failure::aborted: break;
  }
  return {};
}

}  // namespace rsolv::loadgen::engine
