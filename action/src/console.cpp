#include "rsolv/action/console.hpp"

#include <algorithm>
#include <cctype>

#include "rsolv/action/workflow_commands.hpp"

namespace rsolv::action {

namespace {

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

const char* level_name(Level level) {
  switch (level) {
    case Level::notice: return "notice";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "error";
}

}  // namespace

std::string redact_key_shapes(std::string text) {
  static constexpr std::string_view kPrefix = "rsolv_";
  static constexpr std::size_t kMinimumTail = 20;
  std::size_t pos = 0;
  while ((pos = text.find(kPrefix, pos)) != std::string::npos) {
    auto end = pos + kPrefix.size();
    while (end < text.size() && is_key_char(text[end])) ++end;
    if (end - pos - kPrefix.size() >= kMinimumTail) {
      static constexpr std::string_view kReplacement = "rsolv_...[redacted]";
      text.replace(pos, end - pos, kReplacement);
      pos += kReplacement.size();
    } else {
      pos = end;
    }
  }
  return text;
}

Console::Console(std::ostream& out, std::ostream& err, bool actions, bool verbose)
    : out_(out), err_(err), actions_(actions), verbose_(verbose) {}

void Console::protect(const Secret& secret) {
  if (secret.empty()) return;
  if (std::any_of(secrets_.begin(), secrets_.end(), [&](const Secret& known) { return known == secret; })) return;
  secrets_.push_back(secret);
  if (actions_) {
    // The one place a raw key is printed: the runner consumes this line and masks the value in
    // every later line of the job log.
    out_ << add_mask_lines(secret.reveal());
    out_.flush();
  }
}

std::string Console::redact(std::string_view text) const {
  return redact_key_shapes(rsolv::redact(std::string(text), secrets_));
}

void Console::write(std::ostream& stream, std::string_view text) {
  const auto safe = redact(text);
  if (!actions_) {
    stream << safe << '\n';
    stream.flush();
    return;
  }
  // A line of ours must never be read by the runner as a workflow command, also when the text
  // (e.g. a server's answer in a detail line) holds line breaks: every line that would start
  // with "::" is indented by one space.
  std::string out;
  out.reserve(safe.size() + 8);
  std::size_t start = 0;
  while (start <= safe.size()) {
    auto end = safe.find_first_of("\r\n", start);
    if (end == std::string::npos) end = safe.size();
    const std::string_view part(safe.data() + start, end - start);
    if (part.starts_with("::")) out += ' ';
    out += part;
    out += '\n';
    if (end < safe.size() && safe[end] == '\r' && end + 1 < safe.size() && safe[end + 1] == '\n') ++end;
    start = end + 1;
  }
  stream << out;
  stream.flush();
}

void Console::line(std::string_view text) { write(out_, text); }

void Console::annotate(Level level, std::string_view title, std::string_view message) {
  if (actions_) {
    out_ << workflow_command(level_name(level), {{"title", redact(title)}}, redact(message)) << '\n';
    out_.flush();
    return;
  }
  write(err_, std::string("rsolv-action: ") + (level == Level::notice ? "note" : level_name(level)) + ": " +
                  std::string(message));
}

void Console::begin_group(std::string_view title) {
  if (actions_) {
    out_ << workflow_command("group", {}, redact(title)) << '\n';
    in_group_ = true;
  } else if (verbose_) {
    write(err_, title);
  }
}

void Console::detail(std::string_view text) {
  if (actions_) {
    write(out_, text);
  } else if (verbose_) {
    write(err_, std::string("  ") + std::string(text));
  }
}

void Console::end_group() {
  if (actions_ && in_group_) {
    out_ << "::endgroup::\n";
    out_.flush();
    in_group_ = false;
  }
}

}  // namespace rsolv::action
