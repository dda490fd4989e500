// URLs as scenario files write them: origins (what a connection is bound to) and request targets.
#include <gtest/gtest.h>

#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/engine/url.hpp"

namespace rsolv::loadgen::engine {
namespace {

TEST(Url, SplitsOriginAndTargetWithDefaultPortsLeftOutOfTheHostHeader) {
  const auto a = parse_url("http://example.test/api/v1/x?y=1#frag");
  EXPECT_FALSE(a.origin.tls);
  EXPECT_EQ(a.origin.host, "example.test");
  EXPECT_EQ(a.origin.port, 80);
  EXPECT_EQ(a.origin.host_header, "example.test");
  EXPECT_EQ(a.target, "/api/v1/x?y=1");

  const auto b = parse_url("https://example.test:8443");
  EXPECT_TRUE(b.origin.tls);
  EXPECT_EQ(b.origin.port, 8443);
  EXPECT_EQ(b.origin.host_header, "example.test:8443");
  EXPECT_EQ(b.target, "/");
  EXPECT_EQ(b.origin.str(), "https://example.test:8443");

  EXPECT_EQ(parse_url("https://h:443/").origin.host_header, "h");
  EXPECT_EQ(parse_url("http://h?q=1").target, "/?q=1");
}

TEST(Url, Ipv6LiteralsKeepTheirBracketsOnlyInTheHostHeader) {
  const auto url = parse_url("http://[::1]:4000/health");
  EXPECT_EQ(url.origin.host, "::1");
  EXPECT_EQ(url.origin.port, 4000);
  EXPECT_EQ(url.origin.host_header, "[::1]:4000");
  EXPECT_EQ(url.target, "/health");
}

std::string refusal(const char* text) {
  try {
    parse_url(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << text << " was accepted";
  return {};
}

TEST(Url, RefusesWhatItCannotConnectToNamingTheUrlAndTheReason) {
  EXPECT_EQ(refusal("ftp://h/"), "unsupported URL scheme 'ftp' in ftp://h/: use http or https");
  EXPECT_EQ(refusal("h:80/x"), "URL 'h:80/x' has no scheme: use http:// or https://");
  EXPECT_EQ(refusal("http://:80/"), "URL http://:80/ has no host");
  EXPECT_EQ(refusal("http://[::1/"), "URL http://[::1/ has an unterminated IPv6 address");
  for (const char* bad : {"http://h:0/", "http://h:65536/", "http://h:8o/"}) {
    const auto message = refusal(bad);
    EXPECT_NE(message.find(bad), std::string::npos) << message;
    EXPECT_NE(message.find("use a number from 1 to 65535"), std::string::npos) << message;
  }
}

TEST(Url, RefusesCredentialsWithoutShowingThem) {
  const auto message = refusal("http://user:hunter2@h/x");
  EXPECT_EQ(message,
            "URL http://h/x has user:password@ credentials, which are not sent: put them in an Authorization header");
}

TEST(Url, SchemeAndHostAreCaseInsensitive) {
  const auto url = parse_url("HTTPS://Example.TEST:8443/Path");
  EXPECT_TRUE(url.origin.tls);
  EXPECT_EQ(url.origin.host, "example.test");
  EXPECT_EQ(url.origin.host_header, "example.test:8443");
  EXPECT_EQ(url.target, "/Path");
}

TEST(Url, SplitOriginKeepsTemplatedPathsApart) {
  EXPECT_EQ(split_origin("http://h:1/a/${vu}").first, "http://h:1");
  EXPECT_EQ(split_origin("http://h:1/a/${vu}").second, "/a/${vu}");
  EXPECT_EQ(split_origin("/relative").first, "");
  EXPECT_EQ(split_origin("http://h").second, "");
}

TEST(Url, ResolvesLoopbackNamesAndRefusesUnknownHosts) {
  const auto address = resolve(parse_url("http://127.0.0.1:4321/").origin);
  EXPECT_TRUE(address.loopback());
  EXPECT_EQ(address.str(), "127.0.0.1:4321");
  const auto six = resolve(parse_url("http://[::1]:80/").origin);
  EXPECT_TRUE(six.loopback());
  EXPECT_EQ(six.str(), "[::1]:80");
  EXPECT_THROW(resolve(parse_url("http://no-such-host.invalid/").origin), UsageError);
}

}  // namespace
}  // namespace rsolv::loadgen::engine
