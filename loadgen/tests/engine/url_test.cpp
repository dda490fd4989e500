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

TEST(Url, RefusesWhatItCannotConnectToWithTheReason) {
  for (const char* bad : {"ftp://h/", "h:80/x", "http://:80/", "http://h:0/", "http://h:65536/", "http://h:8o/",
                          "http://user:pw@h/", "http://[::1/"}) {
    try {
      parse_url(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
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
