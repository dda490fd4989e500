// The streaming response parser: every framing HTTP/1.1 allows, fed in pieces of every size, and
// the malformed responses a load test must report as protocol errors rather than hang on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rsolv/loadgen/engine/response_parser.hpp"

namespace rsolv::loadgen::engine {
namespace {

struct Collect final : ResponseSink {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  void on_header(std::string_view name, std::string_view value) override { headers.emplace_back(name, value); }
  void on_body(std::string_view bytes) override { body.append(bytes); }
};

struct Outcome {
  ResponseParser::Status status = ResponseParser::Status::need_more;
  std::size_t consumed = 0;  // of the whole input
};

// Feeds `wire` in pieces of `piece` bytes until the parser completes or fails.
Outcome feed_in_pieces(ResponseParser& parser, const std::string& wire, std::size_t piece, ResponseSink* sink) {
  Outcome out;
  std::size_t pos = 0;
  while (pos < wire.size()) {
    const std::size_t n = std::min(piece, wire.size() - pos);
    std::size_t consumed = 0;
    out.status = parser.feed(wire.data() + pos, n, consumed, sink);
    pos += consumed;
    out.consumed = pos;
    if (out.status != ResponseParser::Status::need_more) return out;
    if (consumed < n) break;
  }
  return out;
}

TEST(ResponseParser, ContentLengthBodyInEveryPieceSize) {
  const std::string wire = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"id\":\"a-1\"}\n";
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    ResponseParser parser;
    parser.reset(false);
    Collect sink;
    const auto out = feed_in_pieces(parser, wire, piece, &sink);
    ASSERT_EQ(out.status, ResponseParser::Status::complete) << "piece " << piece;
    EXPECT_EQ(out.consumed, wire.size());
    EXPECT_EQ(parser.status_code(), 201);
    EXPECT_TRUE(parser.keep_alive());
    EXPECT_EQ(sink.body, "{\"id\":\"a-1\"}\n");
    EXPECT_EQ(parser.body_bytes(), 13);
    ASSERT_EQ(sink.headers.size(), 2u);
    EXPECT_EQ(sink.headers[0].first, "Content-Type");
    EXPECT_EQ(sink.headers[0].second, "application/json");
  }
}

TEST(ResponseParser, ChunkedBodyWithExtensionsAndTrailersInEveryPieceSize) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n1A\r\n, abcdefghijklmnopqrstuvwx\r\n0\r\nX-Checksum: 1\r\n\r\n";
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    ResponseParser parser;
    parser.reset(false);
    Collect sink;
    const auto out = feed_in_pieces(parser, wire, piece, &sink);
    ASSERT_EQ(out.status, ResponseParser::Status::complete) << "piece " << piece;
    EXPECT_EQ(out.consumed, wire.size());
    EXPECT_EQ(sink.body, "hello, abcdefghijklmnopqrstuvwx");
    EXPECT_TRUE(parser.keep_alive());
  }
}

TEST(ResponseParser, WithoutASinkNothingIsCopiedButTheResponseIsFramed) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
  ResponseParser parser;
  parser.reset(false);
  const auto out = feed_in_pieces(parser, wire, 7, nullptr);
  EXPECT_EQ(out.status, ResponseParser::Status::complete);
  EXPECT_EQ(parser.body_bytes(), 4);
}

TEST(ResponseParser, BytesAfterTheResponseAreLeftUnconsumed) {
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string wire = first + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  ResponseParser parser;
  parser.reset(false);
  std::size_t consumed = 0;
  EXPECT_EQ(parser.feed(wire.data(), wire.size(), consumed, nullptr), ResponseParser::Status::complete);
  EXPECT_EQ(consumed, first.size());
  // The same parser, reset, reads the next response from the remainder.
  parser.reset(false);
  EXPECT_EQ(parser.feed(wire.data() + consumed, wire.size() - consumed, consumed, nullptr),
            ResponseParser::Status::complete);
}

TEST(ResponseParser, BodyDelimitedByCloseCompletesAtEofAndIsNotKeptAlive) {
  const std::string wire = "HTTP/1.1 200 OK\r\n\r\nstreamed until the end";
  ResponseParser parser;
  parser.reset(false);
  Collect sink;
  EXPECT_EQ(feed_in_pieces(parser, wire, 5, &sink).status, ResponseParser::Status::need_more);
  EXPECT_EQ(parser.finish_eof(), ResponseParser::Status::complete);
  EXPECT_EQ(sink.body, "streamed until the end");
  EXPECT_FALSE(parser.keep_alive());
}

TEST(ResponseParser, EofInTheMiddleOfAContentLengthBodyIsAnError) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort";
  ResponseParser parser;
  parser.reset(false);
  EXPECT_EQ(feed_in_pieces(parser, wire, 100, nullptr).status, ResponseParser::Status::need_more);
  EXPECT_EQ(parser.finish_eof(), ResponseParser::Status::error);
  ASSERT_NE(parser.error(), nullptr);
}

TEST(ResponseParser, EofBeforeAnyByteIsAnErrorThatSaysSo) {
  ResponseParser parser;
  parser.reset(false);
  EXPECT_EQ(parser.finish_eof(), ResponseParser::Status::error);
  EXPECT_FALSE(parser.started());
  EXPECT_NE(std::string(parser.error()).find("without a response"), std::string::npos);
}

TEST(ResponseParser, HeadAndNoContentResponsesHaveNoBodyWhateverTheHeadersSay) {
  {
    ResponseParser parser;
    parser.reset(true);
    const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    EXPECT_EQ(feed_in_pieces(parser, wire, 3, nullptr).status, ResponseParser::Status::complete);
  }
  for (const char* status : {"204 No Content", "304 Not Modified"}) {
    ResponseParser parser;
    parser.reset(false);
    const std::string wire = std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 50\r\n\r\n";
    EXPECT_EQ(feed_in_pieces(parser, wire, 4, nullptr).status, ResponseParser::Status::complete) << status;
    EXPECT_TRUE(parser.keep_alive());
  }
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  const std::string wire = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                           "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
  ResponseParser parser;
  parser.reset(false);
  EXPECT_EQ(feed_in_pieces(parser, wire, 6, nullptr).status, ResponseParser::Status::complete);
  EXPECT_EQ(parser.status_code(), 202);
}

TEST(ResponseParser, ConnectionSemanticsOfHttp10And11) {
  struct Case {
    const char* head;
    bool keep_alive;
  };
  for (const Case& c : {Case{"HTTP/1.1 200 OK\r\nConnection: close\r\n", false},
                        Case{"HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\n", false},
                        Case{"HTTP/1.0 200 OK\r\n", false},
                        Case{"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", true},
                        Case{"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n", true}}) {
    ResponseParser parser;
    parser.reset(false);
    const std::string wire = std::string(c.head) + "Content-Length: 0\r\n\r\n";
    ASSERT_EQ(feed_in_pieces(parser, wire, wire.size(), nullptr).status, ResponseParser::Status::complete) << c.head;
    EXPECT_EQ(parser.keep_alive(), c.keep_alive) << c.head;
  }
}

TEST(ResponseParser, MalformedResponsesAreProtocolErrors) {
  for (const char* wire : {"HTTP/2 200 OK\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
                           "HTTP/1.1 099 Low\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                           "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n",
                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n"}) {
    ResponseParser parser;
    parser.reset(false);
    const std::string text = wire;
    const auto out = feed_in_pieces(parser, text, 2, nullptr);
    EXPECT_EQ(out.status, ResponseParser::Status::error) << wire;
    EXPECT_NE(parser.error(), nullptr) << wire;
  }
}

TEST(ResponseParser, AnEndlessHeaderLineIsRefusedInsteadOfBuffered) {
  ResponseParser parser;
  parser.reset(false);
  std::string wire = "HTTP/1.1 200 OK\r\nX-Huge: ";
  wire.append(ResponseParser::kMaxLine + 10, 'a');
  EXPECT_EQ(feed_in_pieces(parser, wire, 4096, nullptr).status, ResponseParser::Status::error);
}

TEST(ResponseParser, EndlessEmptyLinesStopAtTheHeaderLimit) {
  ResponseParser parser;
  parser.reset(false);
  std::string wire;
  while (wire.size() <= static_cast<std::size_t>(ResponseParser::kMaxHeaderBytes)) wire += "\r\n";
  const auto out = feed_in_pieces(parser, wire + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 65536, nullptr);
  EXPECT_EQ(out.status, ResponseParser::Status::error);
  EXPECT_STREQ(parser.error(), "response headers exceed 1 MiB (interim 1xx responses included)");
}

TEST(ResponseParser, FiveInterimResponsesAreFineASixthIsAnError) {
  std::string five;
  for (int i = 0; i < 5; ++i) five += "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n";
  const std::string final_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  ResponseParser parser;
  parser.reset(false);
  EXPECT_EQ(feed_in_pieces(parser, five + final_response, 7, nullptr).status, ResponseParser::Status::complete);
  EXPECT_EQ(parser.status_code(), 200);
  parser.reset(false);
  const auto out = feed_in_pieces(parser, five + "HTTP/1.1 100 Continue\r\n\r\n" + final_response, 7, nullptr);
  EXPECT_EQ(out.status, ResponseParser::Status::error);
  EXPECT_STREQ(parser.error(), "more than 5 interim (1xx) responses before the final one");
}

TEST(ResponseParser, BodiesAreCutAtTheBodyLimitInEveryFraming) {
  ResponseParser parser;
  parser.set_body_limit(10);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n0123456789a", "Content-Length exceeds maxResponseBytes"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n6789ab\r\n0\r\n\r\n",
       "response body exceeds maxResponseBytes"},
      {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n0123456789abcdef", "response body exceeds maxResponseBytes"},
  };
  for (const auto& [wire, error] : cases) {
    parser.reset(false);
    EXPECT_EQ(feed_in_pieces(parser, wire, 5, nullptr).status, ResponseParser::Status::error) << wire;
    EXPECT_STREQ(parser.error(), error.c_str()) << wire;
  }
  // Exactly at the limit, framing included for chunked bodies, is accepted.
  parser.reset(false);
  EXPECT_EQ(feed_in_pieces(parser, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", 5, nullptr).status,
            ResponseParser::Status::complete);
  EXPECT_EQ(parser.body_limit(), 10);
}

TEST(ResponseParser, ResetMakesAParserReusableForTheNextResponse) {
  ResponseParser parser;
  for (int i = 0; i < 3; ++i) {
    parser.reset(false);
    const std::string wire = "HTTP/1.1 " + std::to_string(200 + i) + " X\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
    Collect sink;
    ASSERT_EQ(feed_in_pieces(parser, wire, 3, &sink).status, ResponseParser::Status::complete);
    EXPECT_EQ(parser.status_code(), 200 + i);
    EXPECT_EQ(sink.body, "ok");
  }
}

}  // namespace
}  // namespace rsolv::loadgen::engine
