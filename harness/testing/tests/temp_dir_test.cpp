// The scratch directory the suites share: unique, named after its prefix, gone with its contents.
#include "rsolv/testing/temp_dir.hpp"

#include <gtest/gtest.h>

namespace rsolv::testing {
namespace {

TEST(TempDir, IsAFreshDirectoryNamedAfterItsPrefix) {
  TempDir one("rsolv-temp-dir-test");
  TempDir two("rsolv-temp-dir-test");
  EXPECT_TRUE(std::filesystem::is_directory(one.path()));
  EXPECT_TRUE(one.path().filename().string().starts_with("rsolv-temp-dir-test-"));
  EXPECT_NE(one.path(), two.path());
}

TEST(TempDir, IsRemovedWithItsContents) {
  std::filesystem::path kept;
  {
    TempDir dir;
    kept = dir.path();
    std::filesystem::create_directories(kept / "nested");
    write_file(kept / "nested" / "file.txt", "text");
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(TempDir, FilesReadBackAsWrittenAndMissingOnesAsEmpty) {
  TempDir dir;
  const std::string bytes("line\r\n\0binary", 13);
  write_file(dir.path() / "a", bytes);
  EXPECT_EQ(read_file(dir.path() / "a"), bytes);
  write_file(dir.path() / "a", "short");
  EXPECT_EQ(read_file(dir.path() / "a"), "short");
  EXPECT_EQ(read_file(dir.path() / "missing"), "");
}

}  // namespace
}  // namespace rsolv::testing
