#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rsolv/common/error.hpp"
#include "rsolv/report/atomic_file.hpp"
#include "rsolv/report/json_report.hpp"

namespace rsolv::report {
namespace {

namespace fs = std::filesystem;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rsolv_report_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), fs::directory_iterator())); }
  fs::path dir_;
};

TEST_F(AtomicFile, WritesTheWholeContentReadableByOthers) {
  write_file_atomic(dir_ / "report.txt", "hello\nworld\n");
  EXPECT_EQ(read(dir_ / "report.txt"), "hello\nworld\n");
  EXPECT_EQ(fs::status(dir_ / "report.txt").permissions() & fs::perms::others_read, fs::perms::others_read);
  EXPECT_EQ(entries(), 1u) << "no temp file left behind";
}

TEST_F(AtomicFile, ReplacesAnExistingFile) {
  write_file_atomic(dir_ / "r.json", "old");
  write_file_atomic(dir_ / "r.json", "new content");
  EXPECT_EQ(read(dir_ / "r.json"), "new content");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFile, MissingDirectoryIsAnErrorNamingThePath) {
  try {
    write_file_atomic(dir_ / "missing" / "r.json", "x");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot write " + (dir_ / "missing" / "r.json").string()), std::string::npos)
        << error.what();
  }
}

TEST_F(AtomicFile, FailedWriteKeepsTheOldFile) {
  if (::geteuid() == 0) {
    // root ignores directory permissions; a path that is a directory fails the rename instead.
    fs::create_directories(dir_ / "taken" / "child");
    EXPECT_THROW(write_file_atomic(dir_ / "taken", "x"), Error);
    EXPECT_TRUE(fs::is_directory(dir_ / "taken" / "child"));
    EXPECT_EQ(entries(), 1u) << "the temp file was removed";
    return;
  }
  write_file_atomic(dir_ / "r.json", "precious");
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(write_file_atomic(dir_ / "r.json", "replacement"), Error);
  EXPECT_EQ(read(dir_ / "r.json"), "precious");
}

TEST_F(AtomicFile, JsonFileIsPrettyAndParsesBack) {
  write_json_file(dir_ / "s.json", {{"http_reqs", 42}, {"ok", true}});
  const auto text = read(dir_ / "s.json");
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(nlohmann::json::parse(text)["http_reqs"], 42);
}

}  // namespace
}  // namespace rsolv::report
