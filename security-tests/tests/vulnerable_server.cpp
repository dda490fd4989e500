// A deliberately vulnerable imitation of the platform, so the security tests can prove every suite
// finds its planted flaw. Never ship or expose this: it listens on 127.0.0.1 only.
//   - GET  /api/v1/search?org=X        string-concatenated SQL on SQLite, errors returned verbatim
//   - GET  /api/v1/customers/lookup?email=X   blind: the value in a double-quoted literal, errors hidden
//   - GET  /api/v1/repos?q=X           blind: LIKE '%X%', errors hidden
//   - POST /api/v1/invoices/search {"filter":{"customer":X}}  blind, nested JSON value, and the rows
//                                      echo the value (customer) the query matched
//   - GET  /api/v1/safe-search?org=X   the control: a bound parameter, input echoed; nothing to find
//   - GET  /api/v1/reports             a limiter with honest headers, but 10 requests instead of the
//                                      documented 20, and one window shared by every key
//   - POST /api/v1/accounts            mass assignment: every body field is stored, credit_balance and
//                                      subscription_type included; GET /api/v1/accounts/me reads it back
//   - GET  /api/v1/customers/me        no authentication, echoes the x-api-key, no Cache-Control
//   - POST /api/v1/billing/payment-methods  accepts and echoes raw card data, logs request bodies
//   - POST /api/webhooks/stripe        no signature check, no replay protection, no size limit
//   - POST /api/v1/customers/onboard, GET /api/v1/entitlement   no rate limits, no rate-limit headers
//   - /api/v1/tenant/...               a per-key area with a ledger, for the flows of the bola, race and
//                                      business-logic suites: GET me, POST fix-attempts,
//                                      GET fix-attempts/{id} (any customer's: BOLA), POST fix-deployments
//                                      (bills whoever recorded the PR: BOLA; checks "billed?" and
//                                      bills in separate steps: a race; takes any pr_number; replays an
//                                      Idempotency-Key's first answer whatever the body)
// Each connection has a thread; one lock guards the state, except where the race is planted.
// Usage: vulnerable_server --log FILE   (prints "listening on http://127.0.0.1:PORT")
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "rsolv/testing/loopback.hpp"

namespace {

struct Request {
  std::string method, path, query, body, api_key, idempotency_key;
};

std::string url_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::string query_param(const std::string& query, const std::string& name) {
  std::size_t start = 0;
  while (start < query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const auto pair = query.substr(start, end - start);
    if (pair.rfind(name + "=", 0) == 0) return url_decode(pair.substr(name.size() + 1));
    start = end + 1;
  }
  return {};
}

bool read_request(int fd, Request& request) {
  std::string data;
  char buffer[65536];
  std::size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  const auto line_end = data.find("\r\n");
  const auto line = data.substr(0, line_end);
  const auto sp1 = line.find(' '), sp2 = line.find(' ', sp1 + 1);
  request.method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  request.path = target.substr(0, target.find('?'));
  request.query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  std::size_t length = 0;
  std::size_t position = line_end + 2;
  while (position < head_end) {
    auto next = data.find("\r\n", position);
    auto header = data.substr(position, next - position);
    std::string lower;
    for (char c : header.substr(0, header.find(':'))) lower += static_cast<char>(std::tolower(c));
    auto value = header.substr(header.find(':') + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (lower == "content-length") length = std::stoul(value);
    if (lower == "x-api-key") request.api_key = value;
    if (lower == "idempotency-key") request.idempotency_key = value;
    position = next + 2;
  }
  request.body = data.substr(head_end + 4);
  while (request.body.size() < length) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    request.body.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

void respond(int fd, int status, const std::string& body, const std::string& extra_headers = {}) {
  const auto response = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
  ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
}

// Runs `sql` and returns its rows as JSON objects keyed by column name, or nullopt on a SQL error
// (its message in `error`).
std::optional<nlohmann::json> query_rows(sqlite3* db, const std::string& sql, std::string& error,
                                         const std::optional<std::string>& bound = std::nullopt) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(db);
    return std::nullopt;
  }
  if (bound) sqlite3_bind_text(statement, 1, bound->c_str(), -1, SQLITE_TRANSIENT);
  nlohmann::json rows = nlohmann::json::array();
  int step;
  while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
    nlohmann::json row = nlohmann::json::object();
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
      row[sqlite3_column_name(statement, i)] = text ? nlohmann::json(text) : nlohmann::json(nullptr);
    }
    rows.push_back(row);
  }
  if (step != SQLITE_DONE) {
    error = sqlite3_errmsg(db);
    sqlite3_finalize(statement);
    return std::nullopt;
  }
  sqlite3_finalize(statement);
  return rows;
}

// A blind flaw: the rows, or a bare 500 that says nothing about SQL.
void respond_blind(int fd, sqlite3* db, const std::string& sql) {
  std::string error;
  const auto rows = query_rows(db, sql, error);
  if (!rows) {
    respond(fd, 500, R"({"error":"internal_error"})");
  } else {
    respond(fd, 200, nlohmann::json{{"results", *rows}}.dump());
  }
}
struct Tenant {
  long id = 0;
  std::string email;
  long credits = 50;
};

struct Attempt {
  long id = 0;
  std::string owner_key;
  nlohmann::json record;  // github_org, repo_name, pr_number, as sent
  bool billed = false;
};

struct State {
  std::mutex mutex;
  sqlite3* db = nullptr;
  std::string log_path = "/dev/null";
  long credits = 5;
  std::map<std::string, nlohmann::json> accounts;  // by API key
  long reports_served = 0;                          // one counter for all keys: the planted flaw
  std::map<std::string, Tenant> tenants;            // by API key, created on first sight
  std::vector<Attempt> attempts;
  std::map<std::string, std::string> idempotent_answers;  // Idempotency-Key -> first answer
};

Tenant& tenant_of(State& state, const std::string& key) {
  auto [found, created] = state.tenants.try_emplace(key);
  if (created) {
    found->second.id = static_cast<long>(state.tenants.size());
    found->second.email = "tenant-" + std::to_string(found->second.id) + "@example.com";
  }
  return found->second;
}

bool same_pr(const nlohmann::json& a, const nlohmann::json& b) {
  for (const auto* field : {"github_org", "repo_name", "pr_number"}) {
    if (a.value(field, nlohmann::json()) != b.value(field, nlohmann::json())) return false;
  }
  return true;
}

void serve_tenant(State& state, const Request& request, int fd, std::unique_lock<std::mutex>& lock) {
  if (request.api_key.empty()) {
    respond(fd, 401, R"({"error":"invalid_api_key"})");
    return;
  }
  auto& caller = tenant_of(state, request.api_key);
  const auto body = nlohmann::json::parse(request.body, nullptr, false);
  const std::string attempts_path = "/api/v1/tenant/fix-attempts";
  if (request.path == "/api/v1/tenant/me") {
    respond(fd, 200, nlohmann::json{{"id", caller.id}, {"email", caller.email}, {"credit_balance", caller.credits}}.dump());
  } else if (request.path == attempts_path && request.method == "POST" && body.is_object()) {
    Attempt attempt{static_cast<long>(state.attempts.size() + 1), request.api_key, body, false};
    state.attempts.push_back(attempt);
    auto answer = body;
    answer["id"] = attempt.id;
    respond(fd, 201, answer.dump());
  } else if (request.path.starts_with(attempts_path + "/")) {
    // BOLA: any customer's attempt, by id.
    const auto id = std::atol(request.path.substr(attempts_path.size() + 1).c_str());
    if (id < 1 || id > static_cast<long>(state.attempts.size())) {
      respond(fd, 404, R"({"error":"not_found"})");
    } else {
      auto answer = state.attempts[static_cast<std::size_t>(id - 1)].record;
      answer["id"] = id;
      respond(fd, 200, answer.dump());
    }
  } else if (request.path == "/api/v1/tenant/fix-deployments" && body.is_object()) {
    // The key's first answer, whatever this body is.
    if (const auto known = state.idempotent_answers.find(request.idempotency_key);
        !request.idempotency_key.empty() && known != state.idempotent_answers.end()) {
      respond(fd, 200, known->second, "Idempotent-Replayed: true\r\n");
      return;
    }
    // Whoever recorded the PR pays for it (BOLA), and any pr_number goes.
    auto found = std::find_if(state.attempts.begin(), state.attempts.end(),
                              [&](const Attempt& attempt) { return same_pr(attempt.record, body); });
    if (found == state.attempts.end()) {
      state.attempts.push_back(Attempt{static_cast<long>(state.attempts.size() + 1), request.api_key, body, false});
      found = state.attempts.end() - 1;
    } else if (found->billed) {
      respond(fd, 200, nlohmann::json{{"outcome", "already_billed"}, {"fix_attempt_id", found->id}}.dump());
      return;
    }
    const auto index = static_cast<std::size_t>(found - state.attempts.begin());
    // The race: "not billed yet" was checked above; the bill is written after a pause, unlocked.
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    lock.lock();
    auto& attempt = state.attempts[index];
    auto& payer = tenant_of(state, attempt.owner_key);
    --payer.credits;
    attempt.billed = true;
    const auto answer = nlohmann::json{{"outcome", "credit_consumed"}, {"credit_balance", payer.credits},
                                       {"fix_attempt_id", attempt.id}}.dump();
    if (!request.idempotency_key.empty()) state.idempotent_answers[request.idempotency_key] = answer;
    respond(fd, 201, answer);
  } else {
    respond(fd, 404, R"({"error":"not_found"})");
  }
}

void serve(State& state, int fd) {
  Request request;
  if (!read_request(fd, request)) {
    ::close(fd);
    return;
  }
  std::unique_lock lock(state.mutex);
  if (request.path == "/api/health") {
    respond(fd, 200, R"({"status":"ok"})");
  } else if (request.path == "/api/v1/search") {
    // The planted flaw: input concatenated into SQL, and the database's error shown.
    std::string error;
    const auto rows = query_rows(state.db, "SELECT name, plan FROM orgs WHERE name = '" + query_param(request.query, "org") + "'", error);
    if (!rows) {
      respond(fd, 500, nlohmann::json{{"error", "SQLITE_ERROR: " + error}}.dump());
    } else {
      respond(fd, 200, nlohmann::json{{"results", *rows}}.dump());
    }
  } else if (request.path == "/api/v1/customers/lookup") {
    // SQLite reads "..." as a string when no column has that name: a double-quoted context.
    respond_blind(fd, state.db, "SELECT email, plan FROM customers WHERE email = \"" + query_param(request.query, "email") + "\"");
  } else if (request.path == "/api/v1/repos") {
    respond_blind(fd, state.db, "SELECT name, stars FROM repos WHERE name LIKE '%" + query_param(request.query, "q") + "%'");
  } else if (request.path == "/api/v1/invoices/search") {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    std::string customer;
    if (!body.is_discarded() && body.contains("filter") && body["filter"].value("customer", nlohmann::json()).is_string()) {
      customer = body["filter"]["customer"].get<std::string>();
    }
    respond_blind(fd, state.db, "SELECT customer, amount FROM invoices WHERE customer = '" + customer + "'");
  } else if (request.path == "/api/v1/safe-search") {
    const auto org = query_param(request.query, "org");
    std::string error;
    const auto rows = query_rows(state.db, "SELECT name, plan FROM orgs WHERE name = ?", error, org);
    respond(fd, 200, nlohmann::json{{"query", org}, {"results", rows.value_or(nlohmann::json::array())}}.dump());
  } else if (request.path == "/api/v1/reports") {
    constexpr long kLimit = 10;
    const long reset = static_cast<long>(std::time(nullptr)) + 3600;
    const long remaining = std::max(0L, kLimit - state.reports_served - 1);
    const auto headers = "X-RateLimit-Limit: " + std::to_string(kLimit) + "\r\nX-RateLimit-Remaining: " +
                         std::to_string(remaining) + "\r\nX-RateLimit-Reset: " + std::to_string(reset) + "\r\n";
    if (state.reports_served >= kLimit) {
      respond(fd, 429, R"({"error":"rate_limited"})", headers + "Retry-After: 3600\r\n");
    } else {
      ++state.reports_served;
      respond(fd, 200, R"({"reports":[]})", headers);
    }
  } else if (request.path == "/api/v1/accounts" && request.method == "POST") {
    auto account = nlohmann::json{{"credit_balance", 5}, {"subscription_type", "trial"}, {"has_billing", false}};
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_object()) account.update(body);  // the planted flaw: no allow-list
    const auto key = "rsolv_acct_" + std::to_string(state.accounts.size() + 1) + "_0123456789abcdef";
    state.accounts[key] = account;
    respond(fd, 201, nlohmann::json{{"customer", account}, {"api_key", key}}.dump());
  } else if (request.path == "/api/v1/accounts/me") {
    const auto found = state.accounts.find(request.api_key);
    if (found == state.accounts.end()) {
      respond(fd, 401, R"({"error":"invalid_api_key"})");
    } else {
      respond(fd, 200, found->second.dump());
    }
  } else if (request.path == "/api/v1/customers/me") {
    respond(fd, 200, nlohmann::json{{"email", "victim@example.com"}, {"credit_balance", state.credits},
                                    {"stripe_customer_id", "cus_vulnerable0000000000000"}, {"api_key", request.api_key}}
                         .dump());
  } else if (request.path == "/api/v1/billing/payment-methods") {
    std::ofstream(state.log_path, std::ios::app) << "payment-method request: " << request.body << "\n";
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
      respond(fd, 500, R"({"error":"terminate called after throwing nlohmann::json::parse_error at server.cpp:88"})");
    } else {
      respond(fd, 201, nlohmann::json{{"saved", body}}.dump());
    }
  } else if (request.path == "/api/webhooks/stripe") {
    const auto event = nlohmann::json::parse(request.body, nullptr, false);
    if (!event.is_discarded() && event.value("type", "") == "invoice.payment_succeeded") state.credits += 60;
    respond(fd, 200, R"({"received":true})");
  } else if (request.path == "/api/v1/customers/onboard") {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    respond(fd, 201, nlohmann::json{{"customer", body}, {"api_key", "rsolv_vulnerable"}}.dump());
  } else if (request.path == "/api/v1/entitlement") {
    respond(fd, 200, R"({"entitled":true})");
  } else if (request.path.starts_with("/api/v1/tenant/")) {
    serve_tenant(state, request, fd, lock);
  } else {
    respond(fd, 404, R"({"error":"not_found"})");
  }
  lock.unlock();
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  State state;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--log") state.log_path = argv[i + 1];
  }
  std::signal(SIGPIPE, SIG_IGN);
  sqlite3_open(":memory:", &state.db);
  sqlite3_exec(state.db,
               "CREATE TABLE orgs (name TEXT, plan TEXT); INSERT INTO orgs VALUES ('acme','pro'),('globex','payg');"
               "CREATE TABLE customers (email TEXT, plan TEXT);"
               "INSERT INTO customers VALUES ('ada@acme.io','pro'),('bob@globex.io','payg');"
               "CREATE TABLE repos (name TEXT, stars INTEGER);"
               "INSERT INTO repos VALUES ('acme-api',12),('acme-web',7),('globex-cli',3);"
               "CREATE TABLE invoices (customer TEXT, amount INTEGER);"
               "INSERT INTO invoices VALUES ('acme',59900),('acme',1500),('globex',2500);",
               nullptr, nullptr, nullptr);
  const auto listener = rsolv::testing::listen_on_loopback();
  std::printf("listening on %s\n", listener.url().c_str());
  std::fflush(stdout);

  while (true) {
    const int fd = ::accept(listener.fd(), nullptr, nullptr);
    if (fd < 0) continue;
    std::thread([&state, fd] { serve(state, fd); }).detach();
  }
}
