#pragma once
// The report files a run or a merge writes (--out, --junit, --html), so that results are never
// lost: every path is checked before the first request, and each report is written on its own
// (atomically, harness/report's write_file_atomic), so one that fails loses no other.
#include <string>
#include <vector>

#include "rsolv/common/secret.hpp"
#include "rsolv/loadgen/output/summary.hpp"

namespace rsolv::loadgen::output {

struct ReportFiles {
  std::string out;    // --out: the JSON summary
  std::string junit;  // --junit
  std::string html;   // --html
};

// Throws rsolv::UsageError, one line naming the flag and the path, when a report could not be
// written there: its directory is missing or not writable (a probe file is created and removed
// in it, as the atomic write will), or the path is a directory. Writes nothing that stays.
void check_report_paths(const ReportFiles& files);
// The same check for one report file of another kind (`compare --junit`): `flag` names it in the error.
void check_report_path(const std::string& flag, const std::string& path);

// Writes every report asked for, each independently; secrets are redacted from all of them.
// Returns one line per report that could not be written ("--html PATH: REASON"); empty when all were.
std::vector<std::string> write_reports(const Summary& summary, const ReportFiles& files,
                                       const std::vector<Secret>& secrets = {});

}  // namespace rsolv::loadgen::output
