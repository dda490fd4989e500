#include "tls_trust.hpp"

#include <dirent.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cstdlib>

namespace rsolv::http {

namespace {

std::string openssl_error() {
  const auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

// "8 hex digits . digits": the names c_rehash / update-ca-certificates give hash links.
bool is_hash_link_name(const char* name) {
  int i = 0;
  for (; i < 8; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  if (name[i++] != '.' || !std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  for (; name[i]; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

// Whether `dir` holds at least one hash link that resolves to a file (not a dangling symlink).
bool has_hash_links(const char* dir) {
  DIR* handle = ::opendir(dir);
  if (!handle) return false;
  bool found = false;
  while (const dirent* entry = ::readdir(handle)) {
    struct stat info {};
    if (is_hash_link_name(entry->d_name) && ::stat((std::string(dir) + "/" + entry->d_name).c_str(), &info) == 0 &&
        S_ISREG(info.st_mode)) {
      found = true;
      break;
    }
  }
  ::closedir(handle);
  return found;
}

// Trust anchors, loaded lazily: a hashed directory makes OpenSSL read only the issuer it needs
// during verification, where parsing the whole bundle up front costs tens of ms.
std::string load_trust(SSL_CTX* context, const std::string& ca_file) {
  const char* file = nullptr;
  const char* dir = nullptr;
  std::string where;
  if (!ca_file.empty()) {
    file = ca_file.c_str();
    where = "CA file " + ca_file;
  } else if (std::getenv(X509_get_default_cert_file_env()) || std::getenv(X509_get_default_cert_dir_env())) {
    file = std::getenv(X509_get_default_cert_file_env());
    dir = std::getenv(X509_get_default_cert_dir_env());
    where = std::string(file ? X509_get_default_cert_file_env() : X509_get_default_cert_dir_env()) + "=" + (file ? file : dir);
  } else if (has_hash_links(X509_get_default_cert_dir())) {
    dir = X509_get_default_cert_dir();
    where = std::string("CA directory ") + dir;
  } else {
    file = X509_get_default_cert_file();
    where = std::string("CA bundle ") + file;
  }
  if (SSL_CTX_load_verify_locations(context, file, dir) != 1) return "cannot load the " + where + ": " + openssl_error();
  return {};
}

}  // namespace

std::string set_up_trust(SSL_CTX* context, bool verify, const std::string& ca_file) {
  if (!verify) {
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
    return {};
  }
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  return load_trust(context, ca_file);
}

std::string expect_peer(SSL* connection, const std::string& host, bool verify) {
  const bool literal = is_ip_literal(host);
  // SNI carries host names only, never an IP address; the certificate must name the host or its IP address.
  if (!literal) SSL_set_tlsext_host_name(connection, host.c_str());
  if (!verify) return {};
  const int set = literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), host.c_str())
                          : SSL_set1_host(connection, host.c_str());
  if (set != 1) return "cannot verify TLS for host " + host + ": " + openssl_error();
  return {};
}

std::string verify_failure(SSL* connection, const std::string& host) {
  const auto verify = SSL_get_verify_result(connection);
  if (verify == X509_V_OK) return {};
  return "TLS certificate verify failed for " + host + ": " + X509_verify_cert_error_string(verify);
}

}  // namespace rsolv::http
