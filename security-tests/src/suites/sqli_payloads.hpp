#pragma once
// What the SQL-injection suite sends and how it reads answers, free of I/O so it can be tested on
// its own: the quote contexts a value may sit in, the payloads of each technique in each context,
// the database error signatures, and the "shape" an answer has once echoes and random tokens are
// taken out. Every payload only reads: none can modify data.
#include <string>
#include <vector>

namespace rsolv::security::sqli {

// Where the value sits in the query, as sqlmap names them: after the value, `close` ends the
// literal (and parentheses), a condition follows, and `reopen` makes the rest of the original
// query parse again (or a comment cuts it off).
struct Context {
  std::string name;    // "single quote", "LIKE %'", ...
  std::string close;   // "'", "\"", "", ")", "')", "'))", "%'", ...
  std::string reopen;  // " AND '1'='1" style tail, or "-- " for comment-terminated contexts
  // The condition in this context: value + close + " AND " + condition + reopen.
  std::string with(const std::string& value, const std::string& condition) const;
};

// The contexts the boolean technique tries, in order.
const std::vector<Context>& boolean_contexts();
// The subset the time and UNION techniques try (each payload there costs more).
const std::vector<Context>& union_contexts();
const std::vector<Context>& time_contexts();

// Values that break a literal in each context, for the error technique.
std::vector<std::string> error_payloads(const std::string& value);

struct TimePayload {
  std::string database;  // PostgreSQL, MySQL, SQLite
  std::string slow;      // asks for the delay
  std::string control;   // the same text, shape and database, asking for none
};
// Bounded delays: pg_sleep(2), SLEEP(2), and for SQLite (no sleep) a recursive count to three
// million (about 1 s, in constant memory; never minutes).
std::vector<TimePayload> time_payloads(const std::string& value, const Context& context);

// UNION SELECT with `columns` copies of the marker, comment-terminated.
std::string union_payload(const std::string& value, const Context& context, int columns, const std::string& marker);

// SQLite, PostgreSQL and MySQL error text (and a few other engines and drivers).
bool has_sql_error(const std::string& body);

// Percent-encodes everything but unreserved characters (letters, digits, -._~), as the probes send queries.
std::string url_encode(const std::string& text);

// The answer with what it merely echoes taken out: each `echoes` value raw, JSON-escaped and
// percent-encoded (values shorter than 3 characters are left in).
std::string without_echoes(std::string body, const std::vector<std::string>& echoes);
// without_echoes, then random tokens (16+ word characters) and numbers normalised: two answers
// with the same shape came from the same rows.
std::string shape(const std::string& body, const std::vector<std::string>& echoes);

// Same status and shapes within 5 % (at least 8 bytes) of each other's length.
bool similar(long status_a, const std::string& shape_a, long status_b, const std::string& shape_b);

}  // namespace rsolv::security::sqli
