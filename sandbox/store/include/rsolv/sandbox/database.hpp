#pragma once
// A thin RAII layer over SQLite: prepared statements only (values are always bound, never spliced
// into SQL), WAL mode, busy timeout, and BEGIN IMMEDIATE transactions that roll back unless committed.
#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rsolv/common/error.hpp"

namespace rsolv::sandbox {

class DatabaseError : public Error {
 public:
  DatabaseError(const std::string& message, int code) : Error(message), code_(code) {}
  int code() const { return code_; }
  // SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY: the schema refused a duplicate.
  bool is_unique_violation() const;
  bool is_check_violation() const;

 private:
  int code_;
};

class Connection;

// A prepared statement borrowed from its connection's cache for one use: the destructor resets it
// (releasing any read snapshot) and returns it, so the next use of the same SQL skips the parser.
class Statement {
 public:
  Statement(Connection& connection, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& value);

  // true while a row is available.
  bool step();
  // Runs to completion (INSERT/UPDATE/DELETE).
  void run();

  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  bool is_null(int column) const;

 private:
  Connection& connection_;
  sqlite3_stmt* statement_ = nullptr;
  const std::string* sql_ = nullptr;  // the cache's key, stable while the connection lives
};

class Connection {
 public:
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(std::string_view sql);
  std::int64_t last_insert_id() const;
  std::int64_t changes() const;
  sqlite3* handle() { return db_; }
  [[noreturn]] void fail(std::string_view what);

 private:
  friend class Statement;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  // Takes the cached statement for `sql` (preparing one when none is idle); `key` receives the
  // cache's copy of the SQL for check_in.
  sqlite3_stmt* check_out(std::string_view sql, const std::string*& key);
  void check_in(const std::string& sql, sqlite3_stmt* statement);

  sqlite3* db_ = nullptr;
  // One idle statement per distinct SQL text; the platform uses a few dozen.
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

// BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock on an upgrade;
// the destructor rolls back unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// A fixed set of connections shared by the server's worker threads.
class ConnectionPool {
 public:
  ConnectionPool(const std::string& path, std::size_t size);

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection);
    ~Lease();
    Lease(Lease&&) noexcept = default;
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  Lease acquire();

 private:
  friend class Lease;
  void release(std::unique_ptr<Connection> connection);
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace rsolv::sandbox
