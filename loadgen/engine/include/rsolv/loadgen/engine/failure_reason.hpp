#pragma once
// Why a request failed, as k6 tags it: an `error_code` (k6's numbers, lib/netext/httpext/error_codes.go)
// and an `error` text. Classified once per failed request from what the connection already holds
// (the Failure, the errno or OpenSSL code, the parser's reason): no string is built per request.
// The text is `op` + ": " + `detail`, both static strings, so a (code, detail) pair identifies it.
#include <string>

#include "rsolv/loadgen/engine/connection.hpp"

namespace rsolv::loadgen::engine {

// k6's codes used here (docs/loadgen.md lists them with the texts).
inline constexpr int kErrorGeneric = 1000;         // EOF, malformed response or a response limit
inline constexpr int kErrorRequestTimeout = 1050;  // the request's `timeout` passed
inline constexpr int kErrorTcp = 1200;             // another socket error while reading or writing
inline constexpr int kErrorBrokenPipe = 1201;
inline constexpr int kErrorDial = 1210;            // connect failed for another reason
inline constexpr int kErrorDialTimeout = 1211;
inline constexpr int kErrorDialRefused = 1212;
inline constexpr int kErrorResetByPeer = 1220;
inline constexpr int kErrorTls = 1300;
// A response with status >= 400 carries 1000 + status (1404, 1503), as in k6.

struct FailureReason {
  int code = 0;               // 0: the request did not fail at the transport (see status_reason)
  const char* op = "";        // "dial", "read", "write", "tls", "" ...
  const char* detail = "";    // static text

  std::string text() const { return *op != '\0' ? std::string(op) + ": " + detail : std::string(detail); }
};

// The reason of a transport failure (failure != none, != aborted). `sys_error` is the connection's
// error_code() (errno, or OpenSSL's error for tls), `parser_error` the response parser's reason,
// `received` whether any response byte came.
FailureReason failure_reason(Failure failure, int sys_error, const char* parser_error, bool received);

}  // namespace rsolv::loadgen::engine
