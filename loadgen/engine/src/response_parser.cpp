#include "rsolv/loadgen/engine/response_parser.hpp"

#include <algorithm>
#include <cstring>

#include "rsolv/common/strings.hpp"
#include "rsolv/http/url.hpp"

namespace rsolv::loadgen::engine {

namespace {

using http::iequals;

// HTTP's optional whitespace (spaces and tabs around a field value); a header value also loses stray CRs around it.
constexpr std::string_view kOws = " \t";
constexpr std::string_view kOwsOrCr = " \t\r";

// Case-insensitive search for a token in a comma-separated header value.
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (iequals(trim(value.substr(0, comma), kOws), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

void ResponseParser::reset(bool head_request) {
  state_ = State::status_line;
  head_ = head_request;
  started_ = false;
  keep_alive_ = true;
  chunked_ = false;
  has_length_ = false;
  http10_ = false;
  status_ = 0;
  interim_ = 0;
  remaining_ = 0;
  body_bytes_ = 0;
  head_bytes_ = 0;
  framing_bytes_ = 0;
  error_ = nullptr;
  carry_.clear();
}

bool ResponseParser::headers_complete() const {
  return state_ != State::status_line && state_ != State::headers && state_ != State::failed;
}

ResponseParser::Status ResponseParser::fail(const char* why) {
  error_ = why;
  state_ = State::failed;
  return Status::error;
}

bool ResponseParser::on_status_line(std::string_view line) {
  // "HTTP/1.1 200 OK"
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
    error_ = "malformed status line";
    return false;
  }
  http10_ = line[7] == '0';
  keep_alive_ = !http10_;
  int code = 0;
  for (int i = 9; i < 12; ++i) {
    const char c = line[static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') {
      error_ = "malformed status code";
      return false;
    }
    code = code * 10 + (c - '0');
  }
  if (code < 100) {
    error_ = "malformed status code";
    return false;
  }
  status_ = code;
  return true;
}

void ResponseParser::on_header_line(std::string_view line, ResponseSink* sink) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;  // tolerated, as browsers do
  const auto name = line.substr(0, colon);
  const auto value = trim(line.substr(colon + 1), kOwsOrCr);
  switch (ascii_lower(name[0])) {
    case 'c':
      if (iequals(name, "content-length")) {
        std::int64_t n = 0;
        bool ok = !value.empty();
        for (const char c : value) {
          if (c < '0' || c > '9' || n > (INT64_MAX / 10 - 10)) {
            ok = false;
            break;
          }
          n = n * 10 + (c - '0');
        }
        if (!ok) {
          error_ = "invalid Content-Length";
        } else {
          has_length_ = true;
          remaining_ = n;
        }
      } else if (iequals(name, "connection")) {
        if (has_token(value, "close")) keep_alive_ = false;
        if (http10_ && has_token(value, "keep-alive")) keep_alive_ = true;
      }
      break;
    case 't':
      if (iequals(name, "transfer-encoding") && has_token(value, "chunked")) chunked_ = true;
      break;
    default:
      break;
  }
  if (sink != nullptr) sink->on_header(name, value);
}

bool ResponseParser::end_of_headers() {
  if (status_ < 200) {
    // 1xx interim response (100 Continue, 103 Early Hints): the real one follows.
    if (++interim_ > kMaxInterimResponses) {
      error_ = "more than 5 interim (1xx) responses before the final one";
      return false;
    }
    state_ = State::status_line;
    chunked_ = has_length_ = false;
    remaining_ = 0;
    return true;
  }
  if (head_ || status_ == 204 || status_ == 304) {
    state_ = State::done;
  } else if (chunked_) {
    state_ = State::chunk_size;
  } else if (has_length_) {
    if (remaining_ > body_limit_) {
      error_ = "Content-Length exceeds maxResponseBytes";
      return false;
    }
    state_ = remaining_ == 0 ? State::done : State::body_length;
  } else {
    keep_alive_ = false;
    state_ = State::body_until_close;
  }
  return true;
}

bool ResponseParser::count_line(std::size_t bytes) {
  if (state_ == State::status_line || state_ == State::headers) {
    head_bytes_ += static_cast<std::int64_t>(bytes);
    if (head_bytes_ > kMaxHeaderBytes) {
      error_ = "response headers exceed 1 MiB (interim 1xx responses included)";
      return false;
    }
    return true;
  }
  framing_bytes_ += static_cast<std::int64_t>(bytes);
  if (body_bytes_ + framing_bytes_ > body_limit_) {
    error_ = "response body exceeds maxResponseBytes";
    return false;
  }
  return true;
}

bool ResponseParser::on_line(std::string_view line, ResponseSink* sink) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  switch (state_) {
    case State::status_line:
      if (line.empty()) return true;  // stray CRLF before a response is tolerated
      if (!on_status_line(line)) return false;
      state_ = State::headers;
      return true;
    case State::headers:
      if (line.empty()) return end_of_headers();
      on_header_line(line, sink);
      return error_ == nullptr;
    case State::chunk_size: {
      std::int64_t size = 0;
      std::size_t i = 0;
      for (; i < line.size(); ++i) {
        const char c = ascii_lower(line[i]);
        int digit;
        if (c >= '0' && c <= '9') {
          digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
          digit = c - 'a' + 10;
        } else {
          break;
        }
        if (size > (INT64_MAX >> 5)) {
          error_ = "chunk size too large";
          return false;
        }
        size = size * 16 + digit;
      }
      if (i == 0 || (i < line.size() && line[i] != ';' && line[i] != ' ' && line[i] != '\t')) {
        error_ = "malformed chunk size";
        return false;
      }
      if (size == 0) {
        state_ = State::trailers;
      } else {
        remaining_ = size;
        state_ = State::chunk_data;
      }
      return true;
    }
    case State::chunk_data_end:
      if (!line.empty()) {
        error_ = "missing CRLF after chunk data";
        return false;
      }
      state_ = State::chunk_size;
      return true;
    case State::trailers:
      if (line.empty()) state_ = State::done;
      return true;
    default:
      error_ = "unexpected line";
      return false;
  }
}

ResponseParser::Status ResponseParser::feed(const char* data, std::size_t size, std::size_t& consumed,
                                            ResponseSink* sink) {
  std::size_t pos = 0;
  if (size > 0) started_ = true;
  while (pos < size) {
    switch (state_) {
      case State::done:
        consumed = pos;
        return Status::complete;
      case State::failed:
        consumed = pos;
        return Status::error;
      case State::body_length:
      case State::chunk_data: {
        const auto take = static_cast<std::size_t>(std::min<std::int64_t>(remaining_, static_cast<std::int64_t>(size - pos)));
        if (state_ == State::chunk_data && body_bytes_ + framing_bytes_ + static_cast<std::int64_t>(take) > body_limit_) {
          consumed = pos;
          return fail("response body exceeds maxResponseBytes");
        }
        if (sink != nullptr) sink->on_body(std::string_view(data + pos, take));
        pos += take;
        remaining_ -= static_cast<std::int64_t>(take);
        body_bytes_ += static_cast<std::int64_t>(take);
        if (remaining_ == 0) state_ = state_ == State::body_length ? State::done : State::chunk_data_end;
        break;
      }
      case State::body_until_close: {
        if (body_bytes_ + static_cast<std::int64_t>(size - pos) > body_limit_) {
          consumed = pos;
          return fail("response body exceeds maxResponseBytes");
        }
        if (sink != nullptr) sink->on_body(std::string_view(data + pos, size - pos));
        body_bytes_ += static_cast<std::int64_t>(size - pos);
        pos = size;
        break;
      }
      default: {
        const void* nl = std::memchr(data + pos, '\n', size - pos);
        if (nl == nullptr) {
          if (carry_.size() + (size - pos) > kMaxLine) {
            consumed = size;
            return fail("header line too long");
          }
          carry_.append(data + pos, size - pos);
          pos = size;
          break;
        }
        const auto end = static_cast<std::size_t>(static_cast<const char*>(nl) - data);
        if (!count_line(carry_.size() + (end - pos) + 1)) {
          consumed = end + 1;
          state_ = State::failed;
          return Status::error;
        }
        bool ok;
        if (carry_.empty()) {
          ok = on_line(std::string_view(data + pos, end - pos), sink);
        } else {
          carry_.append(data + pos, end - pos);
          ok = on_line(carry_, sink);
          carry_.clear();
        }
        pos = end + 1;
        if (!ok) {
          consumed = pos;
          state_ = State::failed;
          return Status::error;
        }
        break;
      }
    }
  }
  consumed = pos;
  if (state_ == State::done) return Status::complete;
  if (state_ == State::failed) return Status::error;
  return Status::need_more;
}

ResponseParser::Status ResponseParser::finish_eof() {
  if (state_ == State::body_until_close || state_ == State::done) {
    state_ = State::done;
    keep_alive_ = false;
    return Status::complete;
  }
  return fail(started_ ? "connection closed before the response was complete" : "connection closed without a response");
}

}  // namespace rsolv::loadgen::engine
