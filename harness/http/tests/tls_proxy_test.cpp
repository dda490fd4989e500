// TLS and proxies, for both transports, against real loopback peers: a TLS terminator with a
// certificate made here, in front of a ScriptedServer, and a forward proxy (CONNECT and
// absolute-form) that records what it was asked.
#include <gtest/gtest.h>

#include "rsolv/process/server.hpp"
#include "rsolv/testing/scripted_server.hpp"
#include "test_servers.hpp"

namespace rsolv::http {
namespace {

using namespace test;
using namespace std::chrono_literals;
using testing::ScriptedServer;

// Proxy variables of the machine running the tests must not steer these tests.
const std::initializer_list<std::pair<const char*, const char*>> kNoProxyEnv = {
    {"http_proxy", nullptr}, {"https_proxy", nullptr}, {"HTTPS_PROXY", nullptr}, {"HTTP_PROXY", nullptr},
    {"all_proxy", nullptr},  {"ALL_PROXY", nullptr},   {"no_proxy", nullptr},    {"NO_PROXY", nullptr},
    {"SSL_CERT_FILE", nullptr}, {"SSL_CERT_DIR", nullptr}};

class TlsAndProxies : public ::testing::TestWithParam<std::string> {
 protected:
  ClientOptions options(bool with_ca = true) {
    ClientOptions o;
    o.retry.max_retries = 0;
    o.attempt_timeout = 3000ms;
    if (with_ca) o.ca_file = certificate_.cert_file;
    o.log = [this](std::string_view line) { log_.emplace_back(line); };
    return o;
  }
  Client make(ClientOptions o) { return make_client(GetParam(), std::move(o), clock_, Random(1)); }
  std::string failure(ClientOptions o, const std::string& url) {
    auto client = make(std::move(o));
    try {
      client.send({"GET", url});
    } catch (const TransportError& error) {
      return error.what();
    }
    ADD_FAILURE() << "expected a TransportError for " << url;
    return {};
  }
  bool lean() const { return GetParam() == "lean"; }

  ScopedEnv clean_env_{kNoProxyEnv};
  ScriptedServer server_;
  TestCertificate certificate_;
  TlsTerminator tls_{server_.port(), certificate_};
  ManualClock clock_;
  std::vector<std::string> log_;
};

TEST_P(TlsAndProxies, TrustedWithTheCaFile) {
  auto client = make(options());
  const auto response = client.send({"POST", tls_.base_url() + "/secure", {}, R"({"a":1})"});
  EXPECT_EQ(response.status, 200);
  ASSERT_EQ(server_.request_count(), 1u);
  EXPECT_EQ(server_.requests()[0].target, "/secure");
  EXPECT_EQ(server_.requests()[0].body, R"({"a":1})");
}

TEST_P(TlsAndProxies, KeptAliveOverOneHandshake) {
  auto client = make(options());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.send({"GET", tls_.base_url() + "/again"}).status, 200);
  EXPECT_EQ(tls_.handshakes(), 1);
}

TEST_P(TlsAndProxies, UnknownIssuerIsRefused) {
  const auto message = failure(options(false), tls_.base_url() + "/secure");
  EXPECT_EQ(server_.request_count(), 0u);
  if (lean()) {
    EXPECT_NE(message.find("TLS certificate verify failed for localhost: self-signed certificate"), std::string::npos) << message;
  }
}

TEST_P(TlsAndProxies, HostnameMismatchIsRefused) {
  // The certificate names localhost, not 127.0.0.1.
  const auto message = failure(options(), tls_.base_url("127.0.0.1") + "/secure");
  EXPECT_EQ(server_.request_count(), 0u);
  if (lean()) {
    EXPECT_NE(message.find("TLS certificate verify failed for 127.0.0.1: IP address mismatch"), std::string::npos) << message;
  }
}

TEST_P(TlsAndProxies, VerifyOffAcceptsAnyCertificate) {
  auto o = options(false);
  o.verify_tls = false;
  auto client = make(o);
  EXPECT_EQ(client.send({"GET", tls_.base_url("127.0.0.1") + "/insecure"}).status, 200);
}

TEST_P(TlsAndProxies, UnreadableCaFileIsAnError) {
  auto o = options();
  o.ca_file = certificate_.dir.file("missing.pem");
  const auto message = failure(o, tls_.base_url() + "/secure");
  if (lean()) {
    EXPECT_NE(message.find("cannot load the CA file"), std::string::npos) << message;
  }
}

TEST_P(TlsAndProxies, TrustedThroughOpenSslsEnvironmentVariables) {
  if (!lean()) GTEST_SKIP() << "libcurl uses its compiled-in bundle and ignores SSL_CERT_FILE/SSL_CERT_DIR";
  {
    ScopedEnv env{{"SSL_CERT_FILE", certificate_.cert_file.c_str()}};
    auto client = make(options(false));
    EXPECT_EQ(client.send({"GET", tls_.base_url() + "/file"}).status, 200);
  }
  {
    // A hashed directory, as c_rehash / update-ca-certificates lay it out: only the link is read.
    const auto dir = certificate_.dir.path() / "hashed";
    std::filesystem::create_directory(dir);
    std::filesystem::create_symlink(certificate_.cert_file, dir / subject_hash_name(certificate_.cert_file));
    ScopedEnv env{{"SSL_CERT_DIR", dir.c_str()}};
    auto client = make(options(false));
    EXPECT_EQ(client.send({"GET", tls_.base_url() + "/dir"}).status, 200);
  }
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_P(TlsAndProxies, HttpGoesThroughTheProxyInAbsoluteForm) {
  ForwardProxy proxy;
  ScopedEnv env{{"http_proxy", proxy.url().c_str()}};
  auto client = make(options());
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/via?x=1"}).status, 200);
  ASSERT_EQ(proxy.request_lines().size(), 1u);
  EXPECT_EQ(proxy.request_lines()[0], "GET " + server_.base_url() + "/via?x=1 HTTP/1.1");
  EXPECT_EQ(server_.requests().at(0).target, "/via?x=1");
}

TEST_P(TlsAndProxies, HttpsTunnelsThroughTheProxy) {
  ForwardProxy proxy;
  ScopedEnv env{{"https_proxy", proxy.url().c_str()}};
  auto client = make(options());
  EXPECT_EQ(client.send({"GET", tls_.base_url() + "/tunnel"}).status, 200);
  EXPECT_EQ(client.send({"GET", tls_.base_url() + "/tunnel"}).status, 200);
  ASSERT_EQ(proxy.request_lines().size(), 1u) << "one tunnel, kept alive";
  EXPECT_EQ(proxy.request_lines()[0], "CONNECT localhost:" + std::to_string(tls_.port()) + " HTTP/1.1");
  EXPECT_EQ(server_.requests().at(0).target, "/tunnel");
}

TEST_P(TlsAndProxies, UpperCaseHttpsProxyCountsButUpperCaseHttpProxyDoesNot) {
  ForwardProxy proxy;
  ScopedEnv env{{"HTTPS_PROXY", proxy.url().c_str()}, {"HTTP_PROXY", proxy.url().c_str()}};
  auto client = make(options());
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/direct"}).status, 200);
  EXPECT_TRUE(proxy.request_lines().empty()) << "HTTP_PROXY is ignored (httpoxy)";
  EXPECT_EQ(client.send({"GET", tls_.base_url() + "/tunnel"}).status, 200);
  EXPECT_EQ(proxy.request_lines().size(), 1u);
}

TEST_P(TlsAndProxies, ProxyCredentialsAreSentButNeverShown) {
  ForwardProxy proxy("robot:pa@ss");
  const auto with_credentials = "http://robot:pa%40ss@127.0.0.1:" + std::to_string(proxy.port());
  ScopedEnv env{{"http_proxy", with_credentials.c_str()}, {"https_proxy", with_credentials.c_str()}};
  auto client = make(options());
  EXPECT_EQ(client.send({"GET", server_.base_url() + "/auth"}).status, 200);
  EXPECT_EQ(client.send({"GET", tls_.base_url() + "/auth"}).status, 200);
  for (const auto& line : log_) EXPECT_EQ(line.find("pa%40ss"), std::string::npos) << line;
}

TEST_P(TlsAndProxies, RefusedTunnelIsAnErrorWithoutTheCredentials) {
  ForwardProxy proxy("robot:right");
  const auto wrong = "http://robot:wrong-secret@127.0.0.1:" + std::to_string(proxy.port());
  ScopedEnv env{{"https_proxy", wrong.c_str()}};
  const auto message = failure(options(), tls_.base_url() + "/denied");
  EXPECT_EQ(message.find("wrong-secret"), std::string::npos) << message;
  for (const auto& line : log_) EXPECT_EQ(line.find("wrong-secret"), std::string::npos) << line;
  if (lean()) {
    EXPECT_NE(message.find("refused CONNECT to localhost:" + std::to_string(tls_.port()) + ": 407"), std::string::npos) << message;
  }
}

TEST_P(TlsAndProxies, NoProxyListsGoDirect) {
  ForwardProxy proxy;
  for (const char* list : {"example.com, 127.0.0.1", "*", "127.0.0.0/8", "localhost"}) {
    ScopedEnv env{{"http_proxy", proxy.url().c_str()}, {"https_proxy", proxy.url().c_str()}, {"no_proxy", list}};
    auto client = make(options());
    const auto url = std::string(list) == "localhost" ? tls_.base_url() : server_.base_url();
    EXPECT_EQ(client.send({"GET", url + "/direct"}).status, 200) << list;
  }
  EXPECT_TRUE(proxy.request_lines().empty());
}

TEST_P(TlsAndProxies, UnreachableProxyIsAnError) {
  const auto unreachable = "http://127.0.0.1:" + std::to_string(process::find_free_port());
  ScopedEnv env{{"http_proxy", unreachable.c_str()}};
  const auto message = failure(options(), server_.base_url() + "/x");
  EXPECT_EQ(server_.request_count(), 0u);
  if (lean()) {
    EXPECT_NE(message.find("Connection refused"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(Transports, TlsAndProxies, kTransports, transport_name);

}  // namespace
}  // namespace rsolv::http
