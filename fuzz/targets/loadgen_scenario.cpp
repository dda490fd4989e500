// loadgen's scenario parser (loadgen/scenario): any text is a plan or a ConfigError naming the
// file; a plan's constant requests render without a crash.
#include <map>

#include "fuzz_target.hpp"
#include "rsolv/config/yaml_loader.hpp"
#include "rsolv/loadgen/scenario/test_plan.hpp"

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  using namespace rsolv;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  loadgen::scenario::LoadOptions options;
  options.env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "EMPTY") return std::string();
    if (name == "TARGET") return std::string("http://127.0.0.1:9");
    return std::nullopt;
  };
  try {
    const auto plan = loadgen::scenario::load_test_plan_string(text, "fuzz.yaml", options);
    FUZZ_CHECK(plan.max_duration().count() >= 0, "negative test duration");
  } catch (const UsageError& error) {
    FUZZ_CHECK(std::string_view(error.what()).starts_with("fuzz.yaml"), std::string("error without the file: ") + error.what());
  }
}
