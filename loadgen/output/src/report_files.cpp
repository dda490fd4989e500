#include "rsolv/loadgen/output/report_files.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "rsolv/common/error.hpp"
#include "rsolv/loadgen/output/reports.hpp"
#include "rsolv/report/atomic_file.hpp"

namespace rsolv::loadgen::output {

namespace {

struct Report {
  const char* flag;
  const std::string* path;
  std::function<std::string(const Summary&)> render;
};

std::vector<Report> requested(const ReportFiles& files) {
  std::vector<Report> reports = {
      {"--out", &files.out, [](const Summary& s) { return summary_to_json(s).dump(2) + "\n"; }},
      {"--junit", &files.junit, [](const Summary& s) { return render_junit_report(s); }},
      {"--html", &files.html, [](const Summary& s) { return render_html_report(s); }},
  };
  std::erase_if(reports, [](const Report& r) { return r.path->empty(); });
  return reports;
}

[[noreturn]] void refuse(const Report& report, const std::string& why) {
  throw UsageError(std::string(report.flag) + " " + *report.path + ": " + why +
                   " (fix the path before the test runs: its results would be lost)");
}

// The atomic write creates a temporary file beside the report and renames it: probe exactly that.
void check_one(const Report& report) {
  namespace fs = std::filesystem;
  const fs::path path(*report.path);
  std::error_code ec;
  if (fs::is_directory(path, ec)) refuse(report, "is a directory; give a file name");
  const fs::path directory = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::exists(directory, ec)) refuse(report, "directory " + directory.string() + " does not exist");
  if (!fs::is_directory(directory, ec)) refuse(report, directory.string() + " is not a directory");
  std::string probe = (directory / ("." + path.filename().string() + ".probe-XXXXXX")).string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    refuse(report, "cannot create a file in directory " + directory.string() + ": " + std::strerror(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace

void check_report_paths(const ReportFiles& files) {
  for (const auto& r : requested(files)) check_one(r);
}

void check_report_path(const std::string& flag, const std::string& path) {
  if (!path.empty()) check_one({flag.c_str(), &path, {}});
}

std::vector<std::string> write_reports(const Summary& summary, const ReportFiles& files,
                                       const std::vector<Secret>& secrets) {
  std::vector<std::string> failures;
  for (const auto& r : requested(files)) {
    try {
      report::write_file_atomic(*r.path, redact(r.render(summary), secrets));
    } catch (const std::exception& error) {
      // write_file_atomic's message names the path and the OS reason.
      failures.push_back(std::string(r.flag) + ": " + error.what());
    }
  }
  return failures;
}

}  // namespace rsolv::loadgen::output
