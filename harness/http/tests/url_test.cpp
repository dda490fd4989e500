#include <gtest/gtest.h>

#include <map>

#include "rsolv/common/error.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::http {
namespace {

TEST(Url, PartsAndDefaults) {
  const auto url = parse_url("HTTPS://API.Example.com/api/v1/x?q=1#frag");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "api.example.com");
  EXPECT_EQ(url.port, "443");
  EXPECT_EQ(url.target, "/api/v1/x?q=1");
  EXPECT_EQ(url.authority(false), "api.example.com");
  EXPECT_EQ(url.authority(true), "api.example.com:443");
  EXPECT_EQ(parse_url("http://h").target, "/");
  EXPECT_EQ(parse_url("http://h?x").target, "/?x");
  EXPECT_EQ(parse_url("http://h:8080/").authority(false), "h:8080");
}

TEST(Url, Ipv6LiteralsKeepTheirBracketsOnlyOnTheWire) {
  const auto url = parse_url("http://[::1]:4000/health");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "4000");
  EXPECT_EQ(url.authority(false), "[::1]:4000");
  EXPECT_EQ(parse_url("https://[2001:db8::7]/").authority(true), "[2001:db8::7]:443");
}

TEST(Url, BadUrlsAreOneLineErrorsWithoutCredentials) {
  for (const char* text : {"ftp://h/x", "http://h:0/", "http://h:99999/", "http://h:12ab/", "http://[::1/", "http:///x",
                           "no-scheme.example/x", "gopher://user:hunter2@h/", "user:hunter2@no-scheme.example/x"}) {
    try {
      parse_url(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const Error& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    }
  }
}

// Found by the http_url fuzz target: the URL was echoed as written, so a newline in it split the
// error line, and a '/' in a password (the authority ends there) put the password in the message.
TEST(Url, ErrorsStayOneLineAndHideAPasswordWithASlash) {
  for (const char* text : {"http://h:1\n2/", "ftp://h/\r\nX-Injected: 1", "http://user:hun/ter2@h:99999/",
                           "http://us\ner:hunter2@:80/"}) {
    try {
      parse_url(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const Error& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find_first_of("\r\n"), std::string::npos) << message;
      EXPECT_EQ(message.find("ter2"), std::string::npos) << message;
    }
  }
  EXPECT_EQ(redact_userinfo("http://user:pw@127.0.0.1:4000/x"), "http://[redacted]@127.0.0.1:4000/x");
  EXPECT_EQ(redact_userinfo("http://127.0.0.1:4000/x"), "http://127.0.0.1:4000/x");
  EXPECT_EQ(redact_userinfo("user:p/w@host"), "[redacted]@host");
}

TEST(Loopback, LocalhostAndLiteralLoopbackAddressesOnly) {
  for (const char* host : {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "127.255.255.255", "::1",
                           "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::FFFF:127.9.9.9"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  // Names that only look loopback may resolve anywhere; other addresses are remote.
  for (const char* host : {"127.evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "localhost.",
                           "128.0.0.1", "0.0.0.0", "10.0.0.1", "::", "::2", "::ffff:10.0.0.1", "[::1]", "", "api.rsolv.dev"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

TEST(Loopback, TheHostParseUrlGivesIsTheHostChecked) {
  EXPECT_TRUE(is_loopback_host(parse_url("http://[::1]:4000/").host));
  EXPECT_TRUE(is_loopback_host(parse_url("http://LOCALHOST:4000/").host));
  EXPECT_FALSE(is_loopback_host(parse_url("http://127.0.0.1@evil.example/").host));
  EXPECT_FALSE(is_loopback_host(parse_url("http://127.evil.example/").host));
}

TEST(PercentDecode, EscapesDecodeAndStrayPercentSignsStayAsWritten) {
  EXPECT_EQ(percent_decode("p%40ss%2Fw%3a"), "p@ss/w:");
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%zz%41"), "%zzA");
  EXPECT_EQ(percent_decode("a+b"), "a+b");                     // userinfo: '+' is a plus
  EXPECT_EQ(percent_decode("a+b%2B", true), "a b+");           // query: '+' is a space
}

TEST(NoProxy, CurlsMatchingRules) {
  struct Case {
    const char* list;
    const char* host;
    bool bypass;
  };
  const Case cases[] = {
      {"*", "anything.example", true},
      {"example.com", "example.com", true},
      {"example.com", "api.EXAMPLE.com", true},
      {".example.com", "example.com", true},
      {".example.com", "www.example.com", true},
      {"example.com", "badexample.com", false},
      {"example.com", "example.com.org", false},
      {"a.test, example.com ,b.test", "x.example.com", true},
      {"example.com.", "example.com", true},
      {"", "example.com", false},
      {"*.example.com", "www.example.com", false},  // * is a wildcard only alone
      // Addresses match addresses (exactly or by CIDR), never domains, and names are not resolved.
      {"127.0.0.1", "127.0.0.1", true},
      {"127.0.0.1", "127.0.0.2", false},
      {".0.0.1", "127.0.0.1", false},
      {"10.0.0.0/8", "10.200.3.4", true},
      {"10.0.0.0/8", "11.0.0.1", false},
      {"::1", "::1", true},
      {"[::1]", "::1", true},
      {"2001:db8::/32", "2001:db8:1::5", true},
      {"10.0.0.0/8", "::1", false},
      {"localhost", "127.0.0.1", false},
  };
  for (const auto& [list, host, bypass] : cases) EXPECT_EQ(no_proxy_matches(list, host), bypass) << list << " vs " << host;
}

TEST(ProxyFor, PicksTheVariableCurlWould) {
  std::map<std::string, std::string> env;
  const Getenv getenv = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  const auto http = parse_url("http://api.example.com/x");
  const auto https = parse_url("https://api.example.com/x");
  EXPECT_FALSE(proxy_for(http, getenv));
  env["HTTP_PROXY"] = "http://upper:3128";
  EXPECT_FALSE(proxy_for(http, getenv)) << "HTTP_PROXY is ignored";
  env["http_proxy"] = "proxy.local:3128";
  EXPECT_EQ(proxy_for(http, getenv)->authority(true), "proxy.local:3128");
  EXPECT_FALSE(proxy_for(https, getenv));
  env["HTTPS_PROXY"] = "http://secure-proxy";
  EXPECT_EQ(proxy_for(https, getenv)->authority(true), "secure-proxy:1080") << "curl's default proxy port";
  env["https_proxy"] = "http://lower:8080";
  EXPECT_EQ(proxy_for(https, getenv)->host, "lower");
  env["NO_PROXY"] = "example.com";
  EXPECT_FALSE(proxy_for(https, getenv));
  env["no_proxy"] = "other.test";
  EXPECT_TRUE(proxy_for(https, getenv)) << "no_proxy wins over NO_PROXY";
  env = {{"ALL_PROXY", "http://all:1"}};
  EXPECT_EQ(proxy_for(http, getenv)->host, "all");
  env = {{"https_proxy", "socks5://user:hunter2@p:1"}};
  try {
    proxy_for(https, getenv);
    ADD_FAILURE() << "a socks proxy was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace rsolv::http
