#pragma once
// libcurl (OpenSSL): honours http_proxy/https_proxy/no_proxy the way curl does. In rsolv_http_curl,
// built only with RSOLV_WITH_CURL (the development default; release builds leave libcurl out) and
// linked only by the transport contract tests.
#include <memory>

#include "rsolv/http/transport.hpp"

namespace rsolv::http {

std::unique_ptr<Transport> make_curl_transport();

}  // namespace rsolv::http
