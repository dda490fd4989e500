// harness/http's parsers: URLs (and their log form), no_proxy rules and Retry-After.
#include <chrono>

#include "fuzz_target.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/http/client.hpp"
#include "rsolv/http/url.hpp"

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  using namespace rsolv;
  fuzz::Input input(data, size);
  const bool default_http = input.byte() & 1;
  const std::string url_text(input.piece());
  const std::string no_proxy(input.piece());
  const std::string retry_after(input.piece());
  const std::string host(input.rest());

  // The redacted text keeps no byte of the userinfo when there is one.
  const auto redacted = http::redact_userinfo(url_text);
  const auto scheme_end = url_text.find("://");
  const auto at = url_text.rfind('@');
  if (at != std::string::npos && scheme_end != std::string::npos && at > scheme_end + 3) {
    const auto userinfo = url_text.substr(scheme_end + 3, at - scheme_end - 3);
    FUZZ_CHECK(redacted.find("[redacted]@") != std::string::npos, "no redaction marker in " + redacted);
    FUZZ_CHECK(redacted.size() == url_text.size() - userinfo.size() + 10, "redaction kept part of the userinfo");
  }

  try {
    const auto url = http::parse_url(url_text, default_http);
    FUZZ_CHECK(url.scheme == "http" || url.scheme == "https", "scheme " + url.scheme);
    FUZZ_CHECK(!url.port.empty() && !url.target.empty() && url.target.front() == '/', "port or target empty");
    // The log form drops the userinfo and parses back to the same place.
    const auto logged = http::url_for_log(url);
    const auto again = http::parse_url(logged);
    FUZZ_CHECK(again.scheme == url.scheme && again.host == url.host && again.port == url.port && again.target == url.target,
               "log form does not parse back: " + logged);
    (void)http::no_proxy_matches(no_proxy, url.host);
  } catch (const Error& error) {
    const std::string_view message = error.what();
    FUZZ_CHECK(message.find('\n') == std::string_view::npos && message.find('\r') == std::string_view::npos,
               "a multi-line error: " + std::string(message));
  }

  // Credentials never reach an error line: the same URL with a password put in its userinfo (when
  // the text does not already hold those characters elsewhere).
  if (scheme_end != std::string::npos && url_text.find("Pw-9f3kq2x") == std::string::npos) {
    auto with_password = url_text;
    with_password.insert(scheme_end + 3, "user:Pw-9f3kq2x@");
    try {
      (void)http::parse_url(with_password, default_http);
    } catch (const Error& error) {
      FUZZ_CHECK(std::string_view(error.what()).find("Pw-9f3kq2x") == std::string_view::npos,
                 std::string("the password in the error: ") + error.what());
    }
  }

  if (no_proxy == "*") FUZZ_CHECK(http::no_proxy_matches(no_proxy, host), "'*' must match every host");
  (void)http::no_proxy_matches(no_proxy, host);

  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  if (const auto wait = http::parse_retry_after(retry_after, now)) {
    FUZZ_CHECK(wait->count() >= 0, "negative Retry-After wait from '" + retry_after + "'");
  }
}
