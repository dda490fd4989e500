#pragma once
// Tiny blocking socket probes used while waiting for a server to become ready.
#include <chrono>
#include <string>

namespace rsolv::process::detail {

bool tcp_connects(const std::string& host, int port);
// GET path over a fresh connection; returns the HTTP status, or 0 when nothing sensible came back.
int http_get_status(const std::string& host, int port, const std::string& path, std::chrono::milliseconds timeout);

}  // namespace rsolv::process::detail
