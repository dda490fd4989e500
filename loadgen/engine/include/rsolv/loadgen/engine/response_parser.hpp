#pragma once
// A streaming HTTP/1.1 response parser: feed it whatever a read() returned, in pieces of any size.
// It frames the body (Content-Length, chunked, or until close), reports keep-alive, and hands
// headers and body bytes to an optional sink only when the caller wants them (checks, extraction),
// so a request whose response nobody inspects is parsed without copying a byte. Lines split across
// reads are carried in a small buffer that keeps its capacity: no allocation per response.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rsolv::loadgen::engine {

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void on_header(std::string_view name, std::string_view value) = 0;
  virtual void on_body(std::string_view bytes) = 0;
};

class ResponseParser {
 public:
  enum class Status { need_more, complete, error };

  // Prepares for the next response; HEAD responses carry no body whatever their headers say.
  void reset(bool head_request);
  // The most bytes a response body may take on the wire (chunk framing included); a larger one is
  // an error ("response body exceeds maxResponseBytes"). Kept across reset().
  void set_body_limit(std::int64_t bytes) { body_limit_ = bytes; }
  std::int64_t body_limit() const { return body_limit_; }
  // Consumes a prefix of `data`; `consumed` is how much. Returns complete once the whole response
  // is in (bytes after it are left unconsumed), error with error() set on a malformed response.
  Status feed(const char* data, std::size_t size, std::size_t& consumed, ResponseSink* sink);
  // The peer closed: completes a body delimited by the close, anything else is an error.
  Status finish_eof();

  int status_code() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  bool started() const { return started_; }
  bool headers_complete() const;
  std::int64_t body_bytes() const { return body_bytes_; }
  const char* error() const { return error_; }

  // Longest status, header or chunk-size line accepted.
  static constexpr std::size_t kMaxLine = 64 * 1024;
  // Status lines and header sections of one response, interim (1xx) ones and stray empty lines
  // before them included: a server streaming header bytes cannot hold a request forever.
  static constexpr std::int64_t kMaxHeaderBytes = 1024 * 1024;
  // Interim (1xx) responses before the final one (Go's net/http, which k6 uses, allows 5 too).
  static constexpr int kMaxInterimResponses = 5;
  static constexpr std::int64_t kDefaultBodyLimit = 64 * 1024 * 1024;

 private:
  enum class State : std::uint8_t {
    status_line, headers, body_length, body_until_close, chunk_size, chunk_data, chunk_data_end, trailers, done, failed
  };

  Status fail(const char* why);
  bool count_line(std::size_t bytes);  // false: a size limit was hit, error set
  bool on_line(std::string_view line, ResponseSink* sink);  // false: error set
  bool on_status_line(std::string_view line);
  void on_header_line(std::string_view line, ResponseSink* sink);
  bool end_of_headers();

  State state_ = State::status_line;
  bool head_ = false;
  bool started_ = false;
  bool keep_alive_ = true;
  bool chunked_ = false;
  bool has_length_ = false;
  bool http10_ = false;
  int status_ = 0;
  int interim_ = 0;
  std::int64_t remaining_ = 0;
  std::int64_t body_bytes_ = 0;
  std::int64_t head_bytes_ = 0;     // against kMaxHeaderBytes
  std::int64_t framing_bytes_ = 0;  // chunk-size lines and trailers, counted with the body
  std::int64_t body_limit_ = kDefaultBodyLimit;
  const char* error_ = nullptr;
  std::string carry_;
};

}  // namespace rsolv::loadgen::engine
