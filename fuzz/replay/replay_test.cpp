// Runs every fuzz target on every committed input: fuzz/corpus/NAME/* (the seeds, made from the
// tests' own inputs) and fuzz/regressions/NAME/* (what ci/fuzz.sh once found). A target aborts on
// a failed property, so a regression fails this test in every build, fuzzer or not.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "replay_targets.hpp"

namespace {

std::vector<std::filesystem::path> inputs_of(const std::string& target) {
  std::vector<std::filesystem::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const auto dir = std::filesystem::path(RSOLV_FUZZ_DIR) / kind / target;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Replay : public ::testing::TestWithParam<FuzzTarget> {};

TEST_P(Replay, EveryCorpusAndRegressionInputHoldsItsProperties) {
  const auto files = inputs_of(GetParam().name);
  // Every target has a seed corpus; an empty one would make this test pass without testing.
  ASSERT_FALSE(files.empty()) << "no inputs under fuzz/corpus/" << GetParam().name;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    GetParam().run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, Replay, ::testing::ValuesIn(fuzz_targets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
