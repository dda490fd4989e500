#include "rsolv/cli/parse.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace rsolv::cli {
namespace {

struct Outcome {
  std::optional<int> exit_code;
  std::string out;
  std::string err;
};

// A small tool shaped like the real ones: a required subcommand with a required option.
Outcome run(std::vector<const char*> args) {
  CLI::App app{"demo", "demo"};
  app.set_version_flag("--version", "demo 1.0");
  app.require_subcommand(1);
  std::string db;
  int threads = 0;
  auto* serve = app.add_subcommand("serve", "serve");
  serve->add_option("--db", db, "database")->required();
  threads_option(*serve, threads, "worker threads");
  args.insert(args.begin(), "demo");
  std::ostringstream out, err;
  const auto code = parse(app, static_cast<int>(args.size()), args.data(), "demo", out, err);
  return {code, out.str(), err.str()};
}

TEST(CliParse, GoodArgumentsGoOn) {
  const auto outcome = run({"serve", "--db", "x.db", "--threads", "4"});
  EXPECT_FALSE(outcome.exit_code);
  EXPECT_EQ(outcome.err, "");
}

TEST(CliParse, HelpAndVersionPrintToStdoutAndExitZero) {
  const auto help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("serve"), std::string::npos);
  EXPECT_EQ(help.err, "");
  const auto version = run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "demo 1.0\n");
}

// Left to CLI11's App::exit, a bad command line prints two unprefixed lines and exits 109 / 106.
TEST(CliParse, EveryBadCommandLineIsOnePrefixedLineAndExitTwo) {
  for (const auto& args : std::vector<std::vector<const char*>>{{"serve", "--bogus"},
                                                                {"serve"},
                                                                {"frobnicate"},
                                                                {},
                                                                {"serve", "--db", "x", "--threads", "many"}}) {
    const auto outcome = run(args);
    EXPECT_EQ(outcome.exit_code, kExitUsage);
    EXPECT_EQ(outcome.err.rfind("demo: error: ", 0), 0u) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
    EXPECT_NE(outcome.err.find("(run demo --help)\n"), std::string::npos) << outcome.err;
    EXPECT_EQ(outcome.out, "");
  }
  EXPECT_EQ(run({"serve"}).err, "demo: error: --db is required (run demo --help)\n");
}

TEST(CliParse, ThreadsOutsideTheRangeAreRefusedNamingIt) {
  for (const char* count : {"0", "-1", "257", "100000"}) {
    const auto outcome = run({"serve", "--db", "x", "--threads", count});
    EXPECT_EQ(outcome.exit_code, kExitUsage) << count;
    EXPECT_NE(outcome.err.find("range 1 to 256"), std::string::npos) << outcome.err;
  }
  EXPECT_FALSE(run({"serve", "--db", "x", "--threads", "256"}).exit_code);
  EXPECT_FALSE(run({"serve", "--db", "x", "--threads", "1"}).exit_code);
}

TEST(CliParse, AToolMayBoundThreadsLowerAndTheErrorNamesItsRange) {
  CLI::App app{"demo", "demo"};
  int threads = 0;
  threads_option(app, threads, "worker threads", 8);
  for (const char* count : {"0", "9"}) {
    const std::vector<const char*> args{"demo", "--threads", count};
    std::ostringstream out, err;
    EXPECT_EQ(parse(app, static_cast<int>(args.size()), args.data(), "demo", out, err), kExitUsage) << count;
    EXPECT_NE(err.str().find("range 1 to 8"), std::string::npos) << err.str();
  }
  const std::vector<const char*> args{"demo", "--threads", "8"};
  std::ostringstream out, err;
  EXPECT_FALSE(parse(app, static_cast<int>(args.size()), args.data(), "demo", out, err));
  EXPECT_EQ(threads, 8);
}

TEST(CliParse, AReporterReceivesTheMessageInsteadOfStderr) {
  CLI::App app{"demo", "demo"};
  bool known = false;
  app.add_flag("--known", known, "a flag");
  std::vector<std::string> reported;
  const char* argv[] = {"demo", "--unknown"};
  std::ostringstream out;
  const auto code = parse(app, 2, argv, "demo", out, [&](const std::string& message) { reported.push_back(message); });
  EXPECT_EQ(code, kExitUsage);
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_NE(reported[0].find("--unknown"), std::string::npos) << reported[0];
  EXPECT_EQ(reported[0].find('\n'), std::string::npos);
}

}  // namespace
}  // namespace rsolv::cli
