// The libcurl transport: built only with RSOLV_WITH_CURL, as the reference the lean transport's
// contract tests compare with.
#include <curl/curl.h>

#include <mutex>

#include "rsolv/common/strings.hpp"
#include "rsolv/http/curl_transport.hpp"

namespace rsolv::http {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  // A new status line (after 100 Continue or a redirect) starts a fresh header block.
  if (line.starts_with("HTTP/")) {
    headers->clear();
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  const auto value = trim(line.substr(colon + 1), " \t\r\n");
  headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return size * count;
}

class CurlTransport final : public Transport {
 public:
  CurlTransport() {
    global_init_once();
    handle_ = curl_easy_init();
    if (!handle_) throw Error("cannot initialise libcurl");
  }
  ~CurlTransport() override { curl_easy_cleanup(handle_); }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Attempt perform(const Request& request, const Headers& sent_headers, const ClientOptions& options,
                  std::chrono::milliseconds connect_timeout, std::chrono::milliseconds attempt_timeout) override {
    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : sent_headers) {
      header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    }
    // libcurl adds "Expect: 100-continue" to large bodies; servers here answer directly.
    header_list = curl_slist_append(header_list, "Expect:");
    const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(header_list, curl_slist_free_all);

    CURL* curl = handle_;
    curl_easy_reset(curl);
    Response response;
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, attempt_timeout.count())));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
    const auto interface = "host!" + options.source_address;
    if (!options.source_address.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

    const auto code = curl_easy_perform(curl);
    curl_off_t total_us = 0;
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total_us);
    Attempt attempt;
    if (code != CURLE_OK) {
      attempt.error = curl_easy_strerror(code);
      return attempt;
    }
    response.elapsed = std::chrono::microseconds(total_us);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    attempt.response = std::move(response);
    return attempt;
  }

 private:
  CURL* handle_ = nullptr;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport() { return std::make_unique<CurlTransport>(); }

}  // namespace rsolv::http
