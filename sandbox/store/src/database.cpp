#include "rsolv/sandbox/database.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

namespace rsolv::sandbox {

bool DatabaseError::is_unique_violation() const {
  return code_ == SQLITE_CONSTRAINT_UNIQUE || code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
}
bool DatabaseError::is_check_violation() const { return code_ == SQLITE_CONSTRAINT_CHECK; }

namespace {
// Switching a file to WAL needs a moment of exclusive access, and while another connection is
// doing the same SQLite answers SQLITE_BUSY at once, without calling the busy handler. So two
// processes opening one fresh file (serve and seed, or a test's parallel workers) retry here.
void exec_while_busy(Connection& connection, std::string_view sql) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      connection.exec(sql);
      return;
    } catch (const DatabaseError& error) {
      const int primary = error.code() & 0xff;
      if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// SQLite's allocation statistics take one process-wide mutex on every malloc, which serialised
// the server's workers (entitlement reads: 25k/s on 2 threads with it, 75k/s without). Nothing
// here reads those statistics. The setting only takes effect before SQLite initialises; if
// something else initialised it first, the call fails harmlessly and the default stays.
void tune_sqlite_once() {
  static const bool tuned = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
  (void)tuned;
}

}  // namespace

Connection::Connection(const std::string& path) {
  tune_sqlite_once();
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError("cannot open database " + path + ": " + message +
                            " (check that its directory exists and is writable)",
                        SQLITE_CANTOPEN);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Writers queue behind each other instead of failing with SQLITE_BUSY.
  sqlite3_busy_timeout(db_, 30000);
  try {
    // SQLite opens lazily: a file that is not a database fails here, on the first read.
    exec_while_busy(*this, "PRAGMA journal_mode=WAL");
    // FULL: an acknowledged write survives power loss, not only a process crash.
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
  } catch (const DatabaseError& error) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    const bool foreign = (error.code() & 0xff) == SQLITE_NOTADB;
    throw DatabaseError("cannot use " + path + " as the sandbox database: " + message +
                            (foreign ? " (pass a new file or one rsolv-sandbox created)" : ""),
                        error.code());
  }
}

Connection::~Connection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  if (db_) sqlite3_close_v2(db_);
}

sqlite3_stmt* Connection::check_out(std::string_view sql, const std::string*& key) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(std::string(sql), nullptr).first;
  key = &it->first;
  if (auto* idle = std::exchange(it->second, nullptr)) return idle;
  sqlite3_stmt* statement = nullptr;
  const int flags = SQLITE_PREPARE_PERSISTENT;  // kept for reuse: tells SQLite to allocate accordingly
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), flags, &statement, nullptr) != SQLITE_OK) {
    sqlite3_finalize(statement);
    fail("prepare");
  }
  return statement;
}

void Connection::check_in(const std::string& sql, sqlite3_stmt* statement) {
  // reset repeats the last step's error code, which the caller has already seen.
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  auto it = statements_.find(sql);
  if (it != statements_.end() && it->second == nullptr) {
    it->second = statement;
  } else {
    sqlite3_finalize(statement);  // the same SQL was in use twice at once: keep one
  }
}

void Connection::fail(std::string_view what) {
  throw DatabaseError(std::string(what) + ": " + sqlite3_errmsg(db_), sqlite3_extended_errcode(db_));
}

void Connection::exec(std::string_view sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw DatabaseError("database: " + message, sqlite3_extended_errcode(db_));
  }
}

std::int64_t Connection::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
std::int64_t Connection::changes() const { return sqlite3_changes(db_); }

Statement::Statement(Connection& connection, std::string_view sql) : connection_(connection) {
  statement_ = connection.check_out(sql, sql_);
}

Statement::~Statement() { connection_.check_in(*sql_, statement_); }

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) connection_.fail("bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    connection_.fail("bind");
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) connection_.fail("bind");
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

bool Statement::step() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  connection_.fail("query");
}

void Statement::run() {
  while (step()) {
  }
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(statement_, column); }

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  if (!bytes) return {};
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

Transaction::Transaction(Connection& connection) : connection_(connection) {
  Statement(connection_, "BEGIN IMMEDIATE").run();
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      connection_.exec("ROLLBACK");
    } catch (...) {
      // Nothing to add: the connection reports the original error to the caller.
    }
  }
}

void Transaction::commit() {
  Statement(connection_, "COMMIT").run();
  done_ = true;
}

ConnectionPool::ConnectionPool(const std::string& path, std::size_t size) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, size); ++i) idle_.push_back(std::make_unique<Connection>(path));
}

ConnectionPool::Lease::Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
    : pool_(&pool), connection_(std::move(connection)) {}

ConnectionPool::Lease::~Lease() {
  if (connection_) pool_->release(std::move(connection_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  auto connection = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(connection));
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

}  // namespace rsolv::sandbox
