#pragma once
// `data:` sources: a CSV file (header row) or a JSON array of objects, loaded once into one
// table that every VU of every worker thread reads (never copied per VU), and the rules by which
// a scenario's iterations pick their row (`each: vu | iteration | unique | random`).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rsolv::loadgen::scenario {

// Rows of named columns, every cell a string (JSON numbers and booleans as their JSON text,
// null as empty, nested values as compact JSON). Read-only once loaded.
class DataTable {
 public:
  DataTable() = default;
  DataTable(std::string name, std::vector<std::string> columns) : name_(std::move(name)), columns_(std::move(columns)) {}

  const std::string& name() const { return name_; }
  const std::vector<std::string>& columns() const { return columns_; }
  int column(std::string_view name) const;  // -1 when absent
  std::size_t rows() const { return columns_.empty() ? 0 : ends_.size() / columns_.size(); }
  std::string_view cell(std::size_t row, std::size_t column) const {
    const std::size_t i = row * columns_.size() + column;
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  // Appends one row (exactly columns().size() cells).
  void add_row(const std::vector<std::string>& cells);
  void reserve(std::size_t bytes) { text_.reserve(bytes); }

 private:
  std::string name_;
  std::vector<std::string> columns_;
  // Every cell's text back to back, row-major, and where each ends: about the file's size plus 8
  // bytes a cell (a string per cell cost five times the file).
  std::string text_;
  std::vector<std::size_t> ends_;
};

// The most a data file may hold in memory, and the most rows (one table, shared by every VU).
inline constexpr std::size_t kMaxDataFileBytes = 128 * 1024 * 1024;
inline constexpr std::size_t kMaxDataRows = 10'000'000;

// Parse a data file's text; `label` names it in errors. Throw config::ConfigError
// "LABEL:LINE: what is wrong" (CSV) or "LABEL:LINE:COL: ..." / "LABEL: [INDEX] ..." (JSON).
DataTable parse_csv_data(std::string name, std::string_view text, const std::string& label);
DataTable parse_json_data(std::string name, std::string_view text, const std::string& label);
// By the file's extension (.csv, .json); bounded by kMaxDataFileBytes (named in the error).
DataTable load_data_file(std::string name, const std::string& path, const std::string& label);

// How a scenario's iterations choose a source's row.
enum class DataOrder : std::uint8_t {
  vu,         // row = VU number - 1 (wrapping): each VU keeps its row
  iteration,  // the scenario's iterations take rows in order, wrapping (per process)
  unique,     // each row once across the whole test (segments take disjoint rows), then `exhausted`
  random,     // a random row per iteration
};
enum class DataExhausted : std::uint8_t { stop, wrap };

struct DataUse {
  int source = -1;  // index into TestPlan::data
  DataOrder each = DataOrder::iteration;
  DataExhausted exhausted = DataExhausted::stop;
};

const char* to_string(DataOrder order);

}  // namespace rsolv::loadgen::scenario
