#include "rsolv/http/client.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::http {

std::string describe_for_log(const Request& request, const std::vector<std::string>& secret_headers) {
  std::string line = request.method + " " + redact_userinfo(request.url);
  for (const auto& [name, value] : request.headers) {
    bool secret = false;
    for (const auto& candidate : secret_headers) secret = secret || iequals(name, candidate);
    line += " " + name + ": " + (secret ? std::string("[redacted]") : value);
  }
  return line;
}

}  // namespace rsolv::http
