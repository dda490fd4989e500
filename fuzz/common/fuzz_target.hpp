#pragma once
// What every fuzz target provides and uses. A target is one function that takes arbitrary bytes
// and aborts (FUZZ_CHECK) when a property that must hold does not; libFuzzer drives it in the fuzz
// build (libfuzzer_entry.cpp), and the replay test runs it on every committed corpus and
// regression file in every build (replay_test.cpp).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

// The replay test links all targets into one binary and renames each one's entry point with a
// compile definition (fuzz_one_input=fuzz_one_input_<target>); the fuzzers use the plain name.
void fuzz_one_input(const std::uint8_t* data, std::size_t size);

namespace rsolv::fuzz {

[[noreturn]] inline void check_failed(const char* condition, const std::string& detail, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n  %s\n", file, line, condition, detail.c_str());
  std::abort();
}

// Consumes the fuzz input in pieces: a byte, a length-prefixed string, the rest.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : text_(reinterpret_cast<const char*>(data), size) {}

  std::uint8_t byte() {
    if (text_.empty()) return 0;
    const auto value = static_cast<std::uint8_t>(text_.front());
    text_.remove_prefix(1);
    return value;
  }
  // A piece up to 255 bytes long; its length comes from the input.
  std::string_view piece() {
    const std::size_t wanted = byte();  // first: it shortens text_
    const std::size_t length = std::min(wanted, text_.size());
    const auto out = text_.substr(0, length);
    text_.remove_prefix(length);
    return out;
  }
  std::string_view rest() {
    const auto out = text_;
    text_ = {};
    return out;
  }
  bool empty() const { return text_.empty(); }

 private:
  std::string_view text_;
};

// Well-formed UTF-8 (what a JSON document must be): no overlong forms, surrogates or code points
// above U+10FFFF.
bool valid_utf8(std::string_view text);

}  // namespace rsolv::fuzz

#define FUZZ_CHECK(condition, detail)                                                      \
  do {                                                                                     \
    if (!(condition)) ::rsolv::fuzz::check_failed(#condition, (detail), __FILE__, __LINE__); \
  } while (0)
