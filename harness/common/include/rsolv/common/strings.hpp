#pragma once
// ASCII text helpers shared by every tool: one trim and one lower- and upper-casing, locale-independent (HTTP
// tokens, header names, hex digits and config keys are ASCII whatever the process locale is).
// Case-insensitive comparison is rsolv::http::iequals (harness/http/url.hpp).
#include <string>
#include <string_view>

namespace rsolv {

// What trim() removes by default: the C locale's isspace set.
inline constexpr std::string_view kWhitespace = " \t\n\v\f\r";

// 'A'..'Z' to 'a'..'z'; every other byte unchanged.
constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// 'a'..'z' to 'A'..'Z'; every other byte unchanged.
constexpr char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// `text` with ASCII letters lower-cased / upper-cased.
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

// Well-formed UTF-8 (what JSON text must be): no overlong forms, surrogates or code points above
// U+10FFFF.
bool is_utf8(std::string_view text);

// `text` without leading and trailing characters from `chars`; a view into `text`.
std::string_view trim(std::string_view text, std::string_view chars = kWhitespace);

}  // namespace rsolv
