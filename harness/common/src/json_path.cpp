#include "rsolv/common/json_path.hpp"

#include <charconv>

#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"

namespace rsolv {

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  std::vector<JsonPathSegment> parse() {
    if (text_.empty()) fail("empty path");
    if (!is_utf8(text_)) fail("not valid UTF-8");
    std::size_t i = 0;
    bool expect_name = true;  // "a.b" without "$" starts with a name
    if (text_.front() == '$') {
      i = 1;
      expect_name = false;
      if (i < text_.size() && text_[i] != '.' && text_[i] != '[') fail("expected '.' or '[' after '$'");
    } else if (text_.front() == '[') {
      expect_name = false;
    }
    while (i < text_.size()) {
      if (expect_name || text_[i] == '.') {
        if (!expect_name) ++i;
        expect_name = false;
        i = name(i);
      } else if (text_[i] == '[') {
        i = bracket(i + 1);
      } else {
        fail("unexpected '" + std::string(1, text_[i]) + "'");
      }
    }
    return std::move(segments_);
  }

 private:
  std::size_t name(std::size_t start) {
    std::size_t end = start;
    while (end < text_.size() && text_[end] != '.' && text_[end] != '[') ++end;
    if (end == start) fail("empty name (a doubled or trailing '.')");
    JsonPathSegment segment;
    segment.key = std::string(text_.substr(start, end - start));
    if (all_digits(segment.key)) segment.numeric = to_index(segment.key, segment.index);
    segments_.push_back(std::move(segment));
    return end;
  }

  std::size_t bracket(std::size_t i) {
    if (i < text_.size() && (text_[i] == '\'' || text_[i] == '"')) {
      const char quote = text_[i];
      const auto end = text_.find(quote, i + 1);
      if (end == std::string_view::npos || end + 1 >= text_.size() || text_[end + 1] != ']') fail("unterminated ['key']");
      segments_.push_back({JsonPathSegment::Kind::quoted_key, std::string(text_.substr(i + 1, end - i - 1)), 0, false});
      return end + 2;
    }
    const auto end = text_.find(']', i);
    if (end == std::string_view::npos) fail("missing ']'");
    JsonPathSegment segment{JsonPathSegment::Kind::index, std::string(text_.substr(i, end - i)), 0, false};
    if (!all_digits(segment.key) || !to_index(segment.key, segment.index)) fail("an index must be a number >= 0, as in [0]");
    segments_.push_back(std::move(segment));
    return end + 1;
  }

  static bool to_index(std::string_view digits, std::size_t& index) {
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    return error == std::errc() && end == digits.data() + digits.size();
  }

  [[noreturn]] void fail(const std::string& why) const {
    // The path is shown only when it is text a terminal can print.
    const std::string shown = is_utf8(text_) ? "'" + std::string(text_) + "'" : "(not UTF-8)";
    throw UsageError("invalid JSON path " + shown + ": " + why +
                     " (write e.g. $.data.object.id, items[0].price or $['key with spaces'])");
  }

  std::string_view text_;
  std::vector<JsonPathSegment> segments_;
};

}  // namespace

std::vector<JsonPathSegment> parse_json_path(std::string_view text) { return PathParser(text).parse(); }

}  // namespace rsolv
