// The codec's share of a request's cost: parsing a typical keep-alive response (no sink: nobody
// inspects it) and a chunked one, and rendering a templated request into a warm buffer.
#include <benchmark/benchmark.h>

#include <string>

#include "rsolv/loadgen/engine/request_writer.hpp"
#include "rsolv/loadgen/engine/response_parser.hpp"

namespace {

using rsolv::loadgen::engine::ResponseParser;

void parse(benchmark::State& state, const std::string& wire) {
  ResponseParser parser;
  for (auto _ : state) {
    parser.reset(false);
    std::size_t consumed = 0;
    benchmark::DoNotOptimize(parser.feed(wire.data(), wire.size(), consumed, nullptr));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

void BM_ParseContentLength(benchmark::State& state) {
  parse(state,
        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 25 Nov 2026 09:00:00 GMT\r\n"
        "Content-Type: application/json\r\nContent-Length: 84\r\nLast-Modified: Wed, 25 Nov 2026 08:00:00 GMT\r\n"
        "Connection: keep-alive\r\nETag: \"6565-54\"\r\nAccept-Ranges: bytes\r\n\r\n"
        "{\"entitled\":true,\"reason\":\"credits\",\"credit_balance\":45,\"subscription_type\":\"pro\"}\n");
}
BENCHMARK(BM_ParseContentLength);

void BM_ParseChunked(benchmark::State& state) {
  parse(state,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2a\r\n{\"entitled\":true,\"reason\":\"credits\",\"cred\r\n2a\r\nit_balance\":45,\"subscription_type\":\"pro\"}\n\r\n"
        "0\r\n\r\n");
}
BENCHMARK(BM_ParseChunked);

void BM_WriteRequest(benchmark::State& state) {
  std::string out;
  out.reserve(512);
  for (auto _ : state) {
    out.clear();
    rsolv::loadgen::engine::append_request_line_start(out, "POST");
    out.append("/api/v1/fix-attempts");
    rsolv::loadgen::engine::append_request_line_end(out);
    rsolv::loadgen::engine::append_header(out, "Host", "127.0.0.1:4000");
    rsolv::loadgen::engine::append_header(out, "x-api-key", "rsolv_0123456789abcdef");
    rsolv::loadgen::engine::append_content_length(out, 120);
    rsolv::loadgen::engine::append_end_of_headers(out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_WriteRequest);

}  // namespace

BENCHMARK_MAIN();
