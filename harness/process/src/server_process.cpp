#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/process.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "child_setup.hpp"
#include "child_status.hpp"
#include "net_probe.hpp"
#include "rsolv/process/server.hpp"

namespace bp = boost::process;

namespace rsolv::process {

namespace {

std::string resolve_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const auto found = bp::search_path(name);
  if (found.empty()) throw Error("cannot start '" + name + "': not found on PATH");
  return found.string();
}

std::string tail_of_file(const std::string& path, std::size_t max_bytes = 2000) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto content = text.str();
  if (content.size() > max_bytes) content = "..." + content.substr(content.size() - max_bytes);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return content;
}

// "listening on http://127.0.0.1:4312" -> 4312. Only addresses the IPv4 probes can reach.
std::optional<int> port_in_line(const std::string& line) {
  static const std::regex address(R"((?:127\.0\.0\.1|localhost|0\.0\.0\.0):(\d{1,5})(?!\d))");
  std::smatch match;
  if (!std::regex_search(line, match, address)) return std::nullopt;
  const int port = std::stoi(match[1]);
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

// The start-up budget and the errors a start ends in; both name the server and show its stderr's tail.
class StartDeadline {
 public:
  StartDeadline(std::string name, std::string stderr_path, std::chrono::milliseconds timeout)
      : name_(std::move(name)),
        stderr_path_(std::move(stderr_path)),
        timeout_(timeout),
        deadline_(std::chrono::steady_clock::now() + timeout) {}

  const std::string& name() const { return name_; }
  int remaining_ms() const {
    return static_cast<int>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now()).count()));
  }
  bool expired() const { return remaining_ms() == 0; }
  Error died(int code) const {
    return Error(name_ + " exited with status " + std::to_string(code) +
                 " before it was ready; stderr: " + tail_of_file(stderr_path_));
  }
  Error timed_out(const std::string& waiting_for) const {
    return Error(name_ + " did not become ready within " + std::to_string(timeout_.count()) + " ms (" + waiting_for +
                 "); stderr: " + tail_of_file(stderr_path_));
  }

 private:
  std::string name_;
  std::string stderr_path_;
  std::chrono::milliseconds timeout_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

struct ServerProcess::Impl {
  pid_t pid = -1;
  std::string host = "127.0.0.1";
  int port = 0;
  int stdout_fd = -1;
  std::string stderr_path;
  bool owns_stderr_file = false;
  std::optional<int> exit_code;
  std::thread drain;  // keeps reading stdout so the child never blocks on a full pipe
  std::atomic<bool> stop_drain{false};

  bool alive() {
    if (exit_code) return false;
    exit_code = detail::try_reap(pid);
    return !exit_code;
  }

  // The server's stderr goes to `requested`, or to a temp file removed with this object.
  void use_stderr_file(const std::string& requested) {
    if (!requested.empty()) {
      stderr_path = requested;
      return;
    }
    char path[] = "/tmp/rsolv-server-stderr-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) throw Error("cannot create a temporary file for the server's stderr");
    ::close(fd);
    stderr_path = path;
    owns_stderr_file = true;
  }

  void spawn(const std::string& executable, const ServerOptions& options) {
    bp::environment env = boost::this_process::environment();
    // set(), not operator[]: Boost 1.74's environment::find reads past shorter entries (ASan).
    for (const auto& [name, value] : options.env) env.set(name, value);
    bp::pipe out;
    std::error_code spawn_error;
    bp::child child(executable, bp::args(options.args), bp::std_out > out,
                    bp::std_err > boost::filesystem::path(stderr_path), bp::std_in < bp::null, env,
                    // The child dies with this process, so a crashed test leaves no server behind.
                    detail::child_setup(), spawn_error);
    if (spawn_error) throw Error("cannot start " + executable + ": " + spawn_error.message());
    pid = child.id();
    child.detach();  // this class reaps the child itself
    // Close-on-exec, so children started later (by any thread) do not inherit it.
    stdout_fd = ::fcntl(out.native_source(), F_DUPFD_CLOEXEC, 0);
    out.close();
  }

  // Drains the child's stdout from then on (into `stdout_file` when set), so a chatty server never
  // blocks on a full pipe while start() waits for it to listen or to answer its health check.
  void start_drain(const std::string& stdout_file) {
    drain = std::thread([fd = stdout_fd, path = stdout_file, stop = &stop_drain] {
      std::ofstream sink;
      if (!path.empty()) sink.open(path, std::ios::app | std::ios::binary);
      char buffer[4096];
      while (true) {
        pollfd poller{fd, POLLIN, 0};
        const int ready = ::poll(&poller, 1, 100);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) {
          if (*stop) break;  // idle and told to stop: nothing more is coming we must keep
          continue;
        }
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        if (sink) sink.write(buffer, n).flush();
      }
    });
  }

  // The first stdout line, without its newline; throws when the child exits or the time is up first.
  std::string read_first_line(const StartDeadline& wait) {
    std::string line;
    char c = 0;
    while (true) {
      pollfd poller{stdout_fd, POLLIN, 0};
      const int ready = ::poll(&poller, 1, std::min(wait.remaining_ms(), 50));
      if (ready > 0) {
        const auto n = ::read(stdout_fd, &c, 1);
        if (n == 1) {
          if (c == '\n') return line;
          line += c;
          continue;
        }
        // EOF: the child closed stdout, most likely by exiting.
        if (auto code = detail::reap_within(pid, std::chrono::milliseconds(2000))) {
          exit_code = code;
          throw wait.died(*code);
        }
        throw wait.timed_out("stdout closed without printing an address");
      }
      if (!alive()) throw wait.died(*exit_code);
      if (wait.expired()) throw wait.timed_out("no address on stdout");
    }
  }

  void wait_for_port(const StartDeadline& wait) {
    while (!detail::tcp_connects(host, port)) {
      if (!alive()) throw wait.died(*exit_code);
      if (wait.expired()) throw wait.timed_out("port " + std::to_string(port) + " refuses connections");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void wait_for_health(const std::string& path, const StartDeadline& wait) {
    const auto probe_timeout = [&] { return std::chrono::milliseconds(std::clamp(wait.remaining_ms(), 1, 1000)); };
    while (detail::http_get_status(host, port, path, probe_timeout()) != 200) {
      if (!alive()) throw wait.died(*exit_code);
      if (wait.expired()) throw wait.timed_out("GET " + path + " did not answer 200");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  ~Impl() {
    if (pid > 0 && !exit_code) {
      detail::signal_group(pid, SIGKILL);
      exit_code = detail::reap_within(pid, std::chrono::milliseconds(5000));
    }
    // Normally the pipe reaches EOF once the group is gone; the flag covers a descendant that
    // left the group (setsid) and still holds stdout.
    stop_drain = true;
    if (drain.joinable()) drain.join();
    if (stdout_fd >= 0) ::close(stdout_fd);
    if (owns_stderr_file) ::unlink(stderr_path.c_str());
  }
};

ServerProcess::ServerProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerProcess::ServerProcess(ServerProcess&&) noexcept = default;
ServerProcess& ServerProcess::operator=(ServerProcess&&) noexcept = default;
ServerProcess::~ServerProcess() {
  if (impl_) stop(std::chrono::milliseconds(2000));
}

ServerProcess ServerProcess::start(const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  const auto executable = resolve_executable(options.executable);
  impl->use_stderr_file(options.stderr_file);
  impl->spawn(executable, options);
  const StartDeadline wait(executable.substr(executable.rfind('/') + 1), impl->stderr_path, options.start_timeout);
  if (options.ready_by == ReadyBy::first_stdout_line) {
    const auto first_line = impl->read_first_line(wait);
    const auto port = port_in_line(first_line);
    if (!port) throw Error(wait.name() + " printed no loopback address on its first line: \"" + first_line + "\"");
    impl->port = *port;
    impl->start_drain(options.stdout_file);
  } else {
    impl->start_drain(options.stdout_file);
    impl->port = options.port;
    impl->wait_for_port(wait);
  }
  if (options.health_path) impl->wait_for_health(*options.health_path, wait);
  return ServerProcess(std::move(impl));
}

const std::string& ServerProcess::host() const {
  return impl_->host;
}
int ServerProcess::port() const {
  return impl_->port;
}
std::string ServerProcess::base_url() const {
  return "http://" + impl_->host + ":" + std::to_string(impl_->port);
}
int ServerProcess::pid() const {
  return impl_->pid;
}
bool ServerProcess::running() {
  return impl_ && impl_->alive();
}

int ServerProcess::stop(std::chrono::milliseconds grace) {
  if (!impl_) return -1;
  if (impl_->alive()) {
    // The whole group: a server's worker processes get the same chance to shut down cleanly.
    detail::signal_group(impl_->pid, SIGTERM);
    impl_->exit_code = detail::reap_within(impl_->pid, grace);
    if (!impl_->exit_code) {
      detail::signal_group(impl_->pid, SIGKILL);
      impl_->exit_code = detail::reap_within(impl_->pid, std::chrono::milliseconds(5000));
    }
  }
  return impl_->exit_code.value_or(-1);
}

void ServerProcess::kill() {
  if (impl_ && impl_->alive()) {
    detail::signal_group(impl_->pid, SIGKILL);
    impl_->exit_code = detail::reap_within(impl_->pid, std::chrono::milliseconds(5000));
  }
}

void ServerProcess::signal(int signo) {
  if (impl_ && impl_->alive()) ::kill(impl_->pid, signo);
}

}  // namespace rsolv::process
