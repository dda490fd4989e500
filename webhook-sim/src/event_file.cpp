#include "rsolv/webhook_sim/event_file.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "rsolv/common/error.hpp"
#include "rsolv/config/bounded_file.hpp"
#include "rsolv/config/json_bounded.hpp"

namespace rsolv::webhook_sim {

namespace {

constexpr const char* kShapes =
    "JSON lines from `listen --out` or `flow --print`, a JSON array of events, {\"data\": [...]} or one event";
constexpr std::string_view kBlank = " \t\r\n";

// "LINE:COL" of the 1-based byte `byte` of `text`.
std::string line_and_column(std::string_view text, std::size_t byte) {
  const auto end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("{}:{}", line, column);
}

std::string json_problem(const config::BoundedJson& parsed) {
  return parsed.failure == config::BoundedJson::Failure::too_deep ? parsed.message : "not valid JSON";
}

class Reader {
 public:
  explicit Reader(std::string label) : label_(std::move(label)) {}

  // One JSON value of the file: an event, a `listen` line, or (at the top) an array or list of them.
  void add(nlohmann::json& value, const std::string& where, bool top) {
    if (top && value.is_array()) return add_items(value, where);
    if (!value.is_object()) fail(where, fmt::format("expected an event (a JSON object), found {}", value.type_name()));
    // Stripe's list object; an event's data is an object, and it has a type.
    if (const auto data = value.find("data"); data != value.end() && data->is_array() && !value.contains("type")) {
      if (!top) fail(where, "a list inside a list; give the events themselves");
      return add_items(*data, where);
    }
    if (value.contains("verified") && value.contains("received_at_unix_ms")) return add_listen_line(value, where);
    add_event(value, where);
  }

  EventFile finish() {
    if (result_.events.empty()) {
      throw UsageError(result_.skipped_lines > 0
                           ? fmt::format("{}: no events to replay: its {} `listen` lines hold none (refused, skipped by "
                                         "--events, or not JSON)",
                                         label_, result_.skipped_lines)
                           : fmt::format("{}: no events (expected {})", label_, kShapes));
    }
    return std::move(result_);
  }

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw UsageError(where + ": " + what);
  }

 private:
  void add_items(nlohmann::json& items, const std::string& where) {
    for (std::size_t i = 0; i < items.size(); ++i) add(items[i], fmt::format("{}: item {}", where, i + 1), false);
  }

  // listen's own lines carry the event only with --print-events, and only when it verified.
  void add_listen_line(nlohmann::json& line, const std::string& where) {
    if (const auto event = line.find("event"); event != line.end()) return add_event(*event, where);
    if (line["verified"] == false || line.contains("skipped") || line.contains("body_error")) {
      ++result_.skipped_lines;
      return;
    }
    fail(where, "a `listen` line without its event: capture with `listen --print-events --out FILE`");
  }

  void add_event(nlohmann::json& event, const std::string& where) {
    const auto is_text = [&](const char* key) {
      const auto it = event.find(key);
      return it != event.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
    };
    std::string missing;
    if (!event.is_object()) {
      missing = "not a JSON object";
    } else if (!is_text("id")) {
      missing = "no string \"id\"";
    } else if (!is_text("type")) {
      missing = "no string \"type\"";
    } else if (!event.contains("data") || !event["data"].is_object() || !event["data"].contains("object") ||
               !event["data"]["object"].is_object()) {
      missing = "no object \"data.object\"";
    }
    if (!missing.empty()) {
      fail(where, "not a Stripe event: " + missing + " (an event has a string id, a string type and an object data.object)");
    }
    if (result_.events.size() >= kMaxReplayEvents) {
      fail(label_, fmt::format("more than {} events (limit {} events per replay)", kMaxReplayEvents, kMaxReplayEvents));
    }
    result_.events.push_back(std::move(event));
  }

  std::string label_;
  EventFile result_;
};

}  // namespace

EventFile parse_event_file(std::string_view text, const std::string& label) {
  Reader reader(label);
  const auto start = text.find_first_not_of(kBlank);
  if (start == std::string_view::npos) return reader.finish();
  if (text[start] != '{' && text[start] != '[') {
    const char c = text[start];
    reader.fail(fmt::format("{}:{}", label, line_and_column(text, start + 1)),
                fmt::format("expected {}, found {}", kShapes,
                            c > 0x20 && c < 0x7f ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c))));
  }
  // JSON lines when the first line is a whole JSON value and more follow; else one document.
  const auto first_end = text.find('\n', start);
  const bool lines = text[start] == '{' && first_end != std::string_view::npos &&
                     text.find_first_not_of(kBlank, first_end) != std::string_view::npos &&
                     config::parse_json_bounded(text.substr(start, first_end - start)).ok();
  if (!lines) {
    auto parsed = config::parse_json_bounded(text);
    if (!parsed.ok()) {
      const auto where = parsed.failure == config::BoundedJson::Failure::syntax
                             ? fmt::format("{}:{}", label, line_and_column(text, parsed.byte))
                             : label;
      reader.fail(where, json_problem(parsed));
    }
    reader.add(parsed.value, label, true);
    return reader.finish();
  }
  std::size_t number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto end = std::min(text.find('\n', pos), text.size());
    const auto line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (line.find_first_not_of(kBlank) == std::string_view::npos) continue;
    auto parsed = config::parse_json_bounded(line);
    const auto where = fmt::format("{}:{}", label, number);
    if (!parsed.ok()) {
      const auto column = std::min(parsed.byte, line.size() + 1);
      reader.fail(parsed.failure == config::BoundedJson::Failure::syntax ? fmt::format("{}:{}", where, column) : where,
                  json_problem(parsed));
    }
    reader.add(parsed.value, where, true);  // a line may be a whole page of `stripe events list`
  }
  return reader.finish();
}

EventFile load_event_file(const std::string& path) {
  if (path.empty()) throw UsageError("replay needs a FILE (- reads standard input)");
  const bool from_stdin = path == "-";
  const std::string label = from_stdin ? "<stdin>" : path;
  const auto text =
      config::read_bounded_file(from_stdin ? "/dev/stdin" : path, kMaxReplayFileBytes, "a replay file", label);
  return parse_event_file(text, label);
}

}  // namespace rsolv::webhook_sim
