#pragma once
// URL parts and proxy selection for the lean transport (beast_transport.cpp); public so tests can
// check the rules directly, and so the load generator parses URLs by the same rules (its own
// library, rsolv_http_url, keeps libcurl out of programs that only parse).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::http {

// ASCII case-insensitive equality (header names, schemes, tokens): the one copy in harness/http.
bool iequals(std::string_view a, std::string_view b);

// The one loopback rule: "localhost" (any case), a literal IPv4 address in 127.0.0.0/8, "::1", or
// an IPv4-mapped ::ffff:127.x.y.z. Names are not loopback ("127.evil.example" may resolve
// anywhere). `host` as Url::host holds it: IPv6 without brackets.
bool is_loopback_host(std::string_view host);

// %XX escapes decoded (either case of hex digit); a '%' not followed by two hex digits stays as
// written. `plus_is_space` for form/query encoding, where '+' stands for a space.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

struct Url {
  std::string scheme;    // lower case: "http" or "https"
  std::string host;      // without IPv6 brackets
  std::string port;      // always set: the default port of the scheme when absent
  std::string target;    // path and query, "/" when empty; no fragment
  std::string userinfo;  // "user:pass" as written (percent-encoded), usually empty
  bool port_given = false;
  bool ipv6() const { return host.find(':') != std::string::npos; }
  // host[:port] as a Host header or CONNECT authority: brackets for IPv6, default port left out
  // for the Host header (`with_default_port` false) and kept for CONNECT.
  std::string authority(bool with_default_port) const;
};

// Throws rsolv::Error with one line saying what is wrong with `text` (credentials never echoed).
// Only http and https (and, for proxies, a missing scheme meaning http) are accepted.
Url parse_url(std::string_view text, bool default_scheme_http = false);

// The URL without userinfo, for log and error lines.
std::string url_for_log(const Url& url);

// For URL text that may not parse: "scheme://[redacted]@rest" when it carries userinfo, else the
// text unchanged. Everything up to the last '@' counts as userinfo (a password may hold '/', '?'
// or '#' unencoded), so a path with an '@' is redacted too: an error line loses a little, a
// password never shows.
std::string redact_userinfo(std::string_view url_text);

// curl's no_proxy rules: comma (or space) separated entries; "*" alone matches every host; an
// entry matches the host itself or any host in its domain (a leading dot is ignored:
// "example.com" and ".example.com" both match www.example.com but not badexample.com); IPv6
// addresses without brackets; IP addresses may carry a CIDR suffix ("10.0.0.0/8"). Loopback is
// proxied like any other host unless listed (curl does the same).
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

using Getenv = std::function<const char*(const char*)>;

// The proxy curl would take from the environment for a request to `url`: for http only
// http_proxy (lower case; the upper-case name is ignored, as curl does, because CGI servers set
// HTTP_PROXY from a request header), for https https_proxy or HTTPS_PROXY, else all_proxy or
// ALL_PROXY; none when no_proxy (or NO_PROXY) matches the host. Throws rsolv::Error for a proxy
// URL that is not http:// (credentials never echoed).
std::optional<Url> proxy_for(const Url& url, const Getenv& getenv);

}  // namespace rsolv::http
