// Data files for `data:` sources: CSV (the common dialect: a header row, quoted fields with "" inside,
// line breaks inside quotes, CRLF or LF) and JSON arrays of objects. Errors name the file and line.
#include "rsolv/loadgen/scenario/data_source.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "rsolv/config/bounded_file.hpp"
#include "rsolv/config/json_bounded.hpp"
#include "rsolv/config/yaml_loader.hpp"

namespace rsolv::loadgen::scenario {

int DataTable::column(std::string_view name) const {
  const auto it = std::find(columns_.begin(), columns_.end(), name);
  return it == columns_.end() ? -1 : static_cast<int>(it - columns_.begin());
}

void DataTable::add_row(const std::vector<std::string>& cells) {
  for (const auto& cell : cells) {
    text_ += cell;
    ends_.push_back(text_.size());
  }
}

const char* to_string(DataOrder order) {
  switch (order) {
    case DataOrder::vu: return "vu";
    case DataOrder::iteration: return "iteration";
    case DataOrder::unique: return "unique";
    case DataOrder::random: return "random";
  }
  return "?";
}

namespace {

[[noreturn]] void fail(const std::string& label, std::size_t line, const std::string& what) {
  throw config::ConfigError(label + ":" + std::to_string(line) + ": " + what);
}

void check_row_count(const DataTable& table, const std::string& label, std::size_t line) {
  if (table.rows() >= kMaxDataRows) {
    fail(label, line, "more than " + std::to_string(kMaxDataRows) + " rows (limit " + std::to_string(kMaxDataRows) +
                          " rows for a data file; split the test with --segment or use a smaller file)");
  }
}

}  // namespace

DataTable parse_csv_data(std::string name, std::string_view text, const std::string& label) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a spreadsheet's UTF-8 byte-order mark
  std::size_t i = 0;
  std::size_t line = 1;
  // One record: its fields and the line it started on; false at the end of the text.
  const auto record = [&](std::vector<std::string>& fields, std::size_t& start_line) {
    fields.clear();
    start_line = line;
    if (i >= text.size()) return false;
    std::string field;
    for (;;) {
      if (i < text.size() && text[i] == '"') {
        const std::size_t quote_line = line;
        ++i;
        for (;;) {
          if (i >= text.size()) fail(label, quote_line, "a quoted field is never closed (add the closing \")");
          const char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field.push_back('"');
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          fail(label, line, "text after a closing quote (write \"\" for a quote inside a quoted field)");
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') fail(label, line, "a quote inside an unquoted field (quote the whole field and write \"\")");
          field.push_back(text[i++]);
        }
      }
      fields.push_back(std::move(field));
      field.clear();
      if (i >= text.size()) return true;
      if (text[i] == ',') {
        ++i;
        continue;
      }
      if (text[i] == '\r') ++i;
      if (i < text.size() && text[i] == '\n') ++i;
      ++line;
      return true;
    }
  };
  std::vector<std::string> fields;
  std::size_t at = 1;
  if (!record(fields, at)) fail(label, 1, "the file is empty (a CSV data file starts with a header row)");
  for (std::size_t c = 0; c < fields.size(); ++c) {
    if (fields[c].empty()) fail(label, at, "column " + std::to_string(c + 1) + " of the header row has no name");
    if (std::find(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(c), fields[c]) !=
        fields.begin() + static_cast<std::ptrdiff_t>(c)) {
      fail(label, at, "column '" + fields[c] + "' appears twice in the header row");
    }
  }
  DataTable table(std::move(name), fields);
  table.reserve(text.size());  // the cells are at most the file's text
  const std::size_t width = table.columns().size();
  while (record(fields, at)) {
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (fields.size() != width) {
      fail(label, at, std::to_string(fields.size()) + " field(s), but the header row has " + std::to_string(width) +
                          " (quote fields that contain commas)");
    }
    check_row_count(table, label, at);
    table.add_row(fields);
  }
  if (table.rows() == 0) fail(label, at, "no rows after the header row");
  return table;
}

DataTable parse_json_data(std::string name, std::string_view text, const std::string& label) {
  auto parsed = config::parse_json_bounded(text);
  if (!parsed.ok()) {
    std::size_t byte = text.size();
    if (parsed.failure == config::BoundedJson::Failure::syntax) {
      try {
        const auto ignored = nlohmann::json::parse(text);
        (void)ignored;
      } catch (const nlohmann::json::parse_error& error) {
        byte = error.byte > 0 ? error.byte - 1 : 0;
      }
    }
    byte = std::min(byte, text.size());
    const auto line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(byte), '\n'));
    const auto line_start = text.rfind('\n', byte == 0 ? 0 : byte - 1);
    const auto column = line_start == std::string_view::npos || byte == 0 ? byte + 1 : byte - line_start;
    throw config::ConfigError(label + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + parsed.message);
  }
  const auto& array = parsed.value;
  if (!array.is_array()) throw config::ConfigError(label + ":1:1: expected a JSON array of objects, got a " + array.type_name());
  if (array.empty()) throw config::ConfigError(label + ":1:1: the array is empty (a data file needs at least one row)");
  if (array.size() > kMaxDataRows) {
    throw config::ConfigError(label + ": more than " + std::to_string(kMaxDataRows) + " rows (limit " +
                              std::to_string(kMaxDataRows) + " rows for a data file)");
  }
  // Columns: every key of every object, in the order first seen; a missing key reads as empty.
  std::vector<std::string> columns;
  for (std::size_t r = 0; r < array.size(); ++r) {
    if (!array[r].is_object()) {
      throw config::ConfigError(label + ": [" + std::to_string(r) + "] is a " + array[r].type_name() +
                                ", expected an object (a data file is an array of objects)");
    }
    for (const auto& [key, value] : array[r].items()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  DataTable table(std::move(name), columns);
  for (const auto& object : array) {
    std::vector<std::string> cells(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto it = object.find(columns[c]);
      if (it == object.end() || it->is_null()) continue;
      cells[c] = it->is_string() ? it->get<std::string>() : it->dump();
    }
    table.add_row(cells);
  }
  return table;
}

DataTable load_data_file(std::string name, const std::string& path, const std::string& label) {
  const bool csv = path.ends_with(".csv");
  if (!csv && !path.ends_with(".json")) {
    throw config::ConfigError(label + ": unknown data file type (name it .csv with a header row, or .json holding an "
                                      "array of objects)");
  }
  const auto text = config::read_bounded_file(path, kMaxDataFileBytes, "a data file", label);
  return csv ? parse_csv_data(std::move(name), text, label) : parse_json_data(std::move(name), text, label);
}

}  // namespace rsolv::loadgen::scenario
