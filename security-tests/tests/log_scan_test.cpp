// The PCI suite's log reader: every line seen, over-long lines in pieces with nothing lost at
// their seams, and endless or huge files cut at the limit.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "log_scan.hpp"
#include "rsolv/testing/temp_dir.hpp"

namespace rsolv::security {
namespace {

TEST(LogScan, SeesEveryLineWithItsNumber) {
  const testing::TempDir dir("rsolv-log-scan");
  const auto path = (dir.path() / "access.log").string();
  std::ofstream(path) << "first\nsecond card 4242424242424242\nthird";
  std::vector<std::pair<std::string, long>> seen;
  const auto scan = scan_log_lines(path, [&](std::string_view line, long number) {
    seen.emplace_back(std::string(line), number);
    return true;
  });
  EXPECT_TRUE(scan.opened);
  EXPECT_FALSE(scan.limited);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1], (std::pair<std::string, long>{"second card 4242424242424242", 2}));
  EXPECT_EQ(seen[2].first, "third") << "the last line needs no newline";
}

TEST(LogScan, ACardAtTheSeamOfAnOverLongLineIsStillSeen) {
  const testing::TempDir dir("rsolv-log-scan-long");
  const auto path = (dir.path() / "one-line.log").string();
  const LogScanLimits limits{1024 * 1024, 1000};
  std::string line(995, 'x');
  line += "4242424242424242";  // crosses the 1000-byte piece boundary
  line += std::string(3000, 'y');
  std::ofstream(path) << line;
  bool found = false;
  std::size_t longest = 0;
  scan_log_lines(path, [&](std::string_view piece, long number) {
    EXPECT_EQ(number, 1);
    longest = std::max(longest, piece.size());
    found = found || piece.find("4242424242424242") != std::string_view::npos;
    return true;
  }, limits);
  EXPECT_TRUE(found);
  EXPECT_LT(longest, 1000u + 64u * 1024u) << "pieces stay near the line limit";
}

TEST(LogScan, AnEndlessFileStopsAtTheLimit) {
  const LogScanLimits limits{4 * 1024 * 1024, 64 * 1024};
  long pieces = 0;
  const auto scan = scan_log_lines("/dev/zero", [&](std::string_view, long) { return ++pieces < 1000000; }, limits);
  EXPECT_TRUE(scan.opened);
  EXPECT_TRUE(scan.limited);
  EXPECT_EQ(scan.bytes_scanned, limits.max_bytes);
}

TEST(LogScan, AHugeFileIsScannedFromItsEnd) {
  const testing::TempDir dir("rsolv-log-scan-huge");
  const auto path = (dir.path() / "big.log").string();
  {
    std::ofstream out(path);
    out << "old card 4242424242424242\n" << std::string(200 * 1024, 'x') << "\nrecent line\n";
  }
  std::vector<std::string> seen;
  const auto scan = scan_log_lines(path, [&](std::string_view line, long) {
    seen.emplace_back(line.substr(0, 20));
    return true;
  }, LogScanLimits{100 * 1024, 1024 * 1024});
  EXPECT_TRUE(scan.limited);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "recent line");
  for (const auto& line : seen) EXPECT_EQ(line.find("old card"), std::string::npos) << "the start is beyond the limit";
}

TEST(LogScan, AMissingFileIsReportedAsUnopened) {
  EXPECT_FALSE(scan_log_lines("/nonexistent/access.log", [](std::string_view, long) { return true; }).opened);
}

}  // namespace
}  // namespace rsolv::security
