#include "rsolv/http/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"

namespace rsolv::http {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

namespace {

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int high = text[i] == '%' && i + 2 < text.size() ? hex_digit_value(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_digit_value(text[i + 2]) : -1;
    if (low >= 0) {
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += (plus_is_space && text[i] == '+') ? ' ' : text[i];
    }
  }
  return out;
}

bool is_loopback_host(std::string_view host) {
  if (iequals(host, "localhost")) return true;
  // Literal addresses only: "127.0.0.1.evil.example" and "127.evil.example" are names, and names
  // other than localhost may resolve anywhere.
  const std::string text(host);
  std::array<unsigned char, 16> address{};
  if (::inet_pton(AF_INET, text.c_str(), address.data()) == 1) return address[0] == 127;
  if (::inet_pton(AF_INET6, text.c_str(), address.data()) == 1) {
    constexpr std::array<unsigned char, 16> kLoopback6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const bool v4_mapped = std::all_of(address.begin(), address.begin() + 10, [](unsigned char b) { return b == 0; }) &&
                           address[10] == 0xff && address[11] == 0xff;
    return address == kLoopback6 || (v4_mapped && address[12] == 127);
  }
  return false;
}

namespace {

// Control characters as \xNN, so a URL with a newline in it cannot split an error line.
std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out;
}


const char* default_port(std::string_view scheme) { return scheme == "https" ? "443" : "80"; }

// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into the first 4) and its bit length.
struct Address {
  std::array<unsigned char, 16> bytes{};
  int bits = 0;
};

std::optional<Address> parse_address(const std::string& text) {
  Address address;
  if (::inet_pton(AF_INET, text.c_str(), address.bytes.data()) == 1) {
    address.bits = 32;
  } else if (::inet_pton(AF_INET6, text.c_str(), address.bytes.data()) == 1) {
    address.bits = 128;
  } else {
    return std::nullopt;
  }
  return address;
}

bool cidr_matches(std::string_view entry, std::string_view host) {
  const auto slash = entry.find('/');
  const auto network = parse_address(std::string(entry.substr(0, slash)));
  const auto address = parse_address(std::string(host));
  if (!network || !address || network->bits != address->bits) return false;
  int prefix = network->bits;
  if (slash != std::string_view::npos) {
    const auto digits = entry.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 || prefix > network->bits) return false;
  }
  for (int bit = 0; bit < prefix; ++bit) {
    const auto mask = static_cast<unsigned char>(0x80u >> (bit % 8));
    if ((network->bytes[bit / 8] & mask) != (address->bytes[bit / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

std::string Url::authority(bool with_default_port) const {
  std::string out = ipv6() ? "[" + host + "]" : host;
  if (with_default_port || port != default_port(scheme)) out += ":" + port;
  return out;
}

Url parse_url(std::string_view text, bool default_scheme_http) {
  Url url;
  std::string_view rest = text;
  const auto separator = rest.find("://");
  const bool scheme_given = separator != std::string_view::npos;
  if (scheme_given) {
    url.scheme = to_lower(rest.substr(0, separator));
    rest.remove_prefix(separator + 3);
  } else {
    url.scheme = "http";
  }
  const auto authority_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authority_end);
  auto path = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  // Error lines name the URL without its credentials (even when a '/' in a password splits the
  // authority early), on one line.
  const auto shown = printable(redact_userinfo(text));
  if (!scheme_given && !default_scheme_http) throw Error("URL '" + shown + "' has no scheme: use http:// or https://");
  if (url.scheme != "http" && url.scheme != "https") {
    throw Error("unsupported URL scheme '" + printable(url.scheme) + "' in " + shown + ": use http or https");
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw Error("URL " + shown + " has an unterminated IPv6 address");
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) throw Error("URL " + shown + " has junk after the IPv6 address");
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  url.host = to_lower(url.host);
  if (url.host.empty()) throw Error("URL " + shown + " has no host");
  if (port.empty()) {
    url.port = default_port(url.scheme);
  } else {
    int number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) {
      throw Error("URL " + shown + " has an invalid port '" + printable(port) + "': use a number from 1 to 65535");
    }
    url.port = std::to_string(number);
    url.port_given = true;
  }
  path = path.substr(0, path.find('#'));
  url.target = path.empty() || path.front() == '?' ? "/" + std::string(path) : std::string(path);
  return url;
}

std::string url_for_log(const Url& url) { return url.scheme + "://" + url.authority(false) + url.target; }

std::string redact_userinfo(std::string_view url_text) {
  const auto scheme_end = url_text.find("://");
  const auto authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto at = url_text.rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url_text);
  return std::string(url_text.substr(0, authority)) + "[redacted]" + std::string(url_text.substr(at));
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host) {
  auto name = to_lower(host);
  if (name.ends_with('.')) name.pop_back();
  const bool host_is_address = parse_address(name).has_value();
  while (!no_proxy.empty()) {
    const auto end = no_proxy.find_first_of(", \t");
    auto entry = no_proxy.substr(0, end);
    no_proxy.remove_prefix(end == std::string_view::npos ? no_proxy.size() : end + 1);
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.starts_with('[') && entry.ends_with(']')) entry = entry.substr(1, entry.size() - 2);
    // An address is matched by address entries only (exactly or by CIDR), never as a domain.
    if (host_is_address) {
      if (cidr_matches(entry, name)) return true;
      continue;
    }
    auto domain = to_lower(entry);
    while (domain.starts_with('.')) domain.erase(0, 1);
    if (domain.ends_with('.')) domain.pop_back();
    if (domain.empty()) continue;
    if (name == domain) return true;
    if (name.size() > domain.size() && name.ends_with(domain) && name[name.size() - domain.size() - 1] == '.') return true;
  }
  return false;
}

std::optional<Url> proxy_for(const Url& url, const Getenv& getenv) {
  const auto value = [&](const char* name) -> std::string_view {
    const char* text = getenv(name);
    return text ? std::string_view(text) : std::string_view();
  };
  std::string_view no_proxy = value("no_proxy");
  if (no_proxy.empty()) no_proxy = value("NO_PROXY");
  if (!no_proxy.empty() && no_proxy_matches(no_proxy, url.host)) return std::nullopt;
  std::string_view proxy = url.scheme == "https" ? value("https_proxy") : value("http_proxy");
  if (proxy.empty() && url.scheme == "https") proxy = value("HTTPS_PROXY");
  if (proxy.empty()) proxy = value("all_proxy");
  if (proxy.empty()) proxy = value("ALL_PROXY");
  if (proxy.empty()) return std::nullopt;
  Url parsed;
  try {
    parsed = parse_url(proxy, true);
  } catch (const Error& error) {
    throw Error(std::string("proxy from the environment: ") + error.what());
  }
  if (parsed.scheme != "http") {
    throw Error("proxy " + parsed.scheme + "://" + parsed.authority(true) +
                " from the environment is not supported: only http:// proxies are");
  }
  // curl's default proxy port.
  if (!parsed.port_given) parsed.port = "1080";
  return parsed;
}

}  // namespace rsolv::http
