// loadgen's streaming HTTP/1.1 response parser: the same bytes, fed whole or split at points the
// input chooses, must give the same response (status, framing, headers, body, bytes consumed).
#include <vector>

#include "fuzz_target.hpp"
#include "rsolv/loadgen/engine/response_parser.hpp"

namespace {

using rsolv::loadgen::engine::ResponseParser;
using rsolv::loadgen::engine::ResponseSink;

struct Collect final : ResponseSink {
  std::string headers;
  std::string body;
  void on_header(std::string_view name, std::string_view value) override {
    headers.append(name).append(": ").append(value).append("\n");
  }
  void on_body(std::string_view bytes) override { body.append(bytes); }
};

struct Outcome {
  ResponseParser::Status status = ResponseParser::Status::need_more;
  int code = 0;
  bool keep_alive = false;
  std::int64_t body_bytes = 0;
  std::size_t consumed = 0;
  Collect seen;
  bool operator==(const Outcome& other) const {
    return status == other.status && code == other.code && keep_alive == other.keep_alive &&
           body_bytes == other.body_bytes && consumed == other.consumed && seen.headers == other.seen.headers &&
           seen.body == other.seen.body;
  }
};

std::string describe(const Outcome& o) {
  return "status " + std::to_string(static_cast<int>(o.status)) + " code " + std::to_string(o.code) + " keep_alive " +
         std::to_string(o.keep_alive) + " body_bytes " + std::to_string(o.body_bytes) + " consumed " +
         std::to_string(o.consumed) + " headers " + std::to_string(o.seen.headers.size()) + "B body " +
         std::to_string(o.seen.body.size()) + "B";
}

// Feeds `pieces` in order until the response completes or fails; then EOF if it still needs more.
Outcome parse(const std::vector<std::string_view>& pieces, bool head) {
  Outcome out;
  ResponseParser parser;
  parser.reset(head);
  for (const auto piece : pieces) {
    std::size_t offset = 0;
    while (offset < piece.size()) {
      std::size_t consumed = 0;
      out.status = parser.feed(piece.data() + offset, piece.size() - offset, consumed, &out.seen);
      FUZZ_CHECK(consumed <= piece.size() - offset, "consumed more than it was given");
      offset += consumed;
      out.consumed += consumed;
      if (out.status != ResponseParser::Status::need_more) break;
      // need_more must mean "took everything": a parser that stalls here hangs the connection.
      FUZZ_CHECK(offset == piece.size(), "need_more without consuming the whole piece");
    }
    if (out.status != ResponseParser::Status::need_more) break;
  }
  if (out.status == ResponseParser::Status::need_more) out.status = parser.finish_eof();
  out.code = parser.status_code();
  out.keep_alive = parser.keep_alive();
  out.body_bytes = parser.body_bytes();
  if (out.status == ResponseParser::Status::error) FUZZ_CHECK(parser.error() != nullptr, "error without a reason");
  return out;
}

}  // namespace

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  rsolv::fuzz::Input input(data, size);
  const bool head = input.byte() & 1;
  // Up to 8 split points, each a byte of the input.
  const int splits = input.byte() % 9;
  std::vector<std::size_t> cuts;
  for (int i = 0; i < splits; ++i) cuts.push_back(input.byte());
  const auto wire = input.rest();

  const auto whole = parse({wire}, head);
  std::vector<std::string_view> pieces;
  std::size_t at = 0;
  for (const auto cut : cuts) {
    const auto length = std::min(cut, wire.size() - at);
    pieces.push_back(wire.substr(at, length));
    at += length;
  }
  pieces.push_back(wire.substr(at));
  const auto split = parse(pieces, head);
  FUZZ_CHECK(whole == split, "whole: " + describe(whole) + " / split: " + describe(split));
  if (whole.status == ResponseParser::Status::complete && !head) {
    FUZZ_CHECK(static_cast<std::int64_t>(whole.seen.body.size()) == whole.body_bytes, "body bytes disagree: " + describe(whole));
  }
}
