// rsolv-security's target files: a target or an error naming the file; never a probe of a host
// that is not loopback unless allowed.
#include "fuzz_target.hpp"
#include "rsolv/common/error.hpp"
#include "rsolv/security/target.hpp"

void fuzz_one_input(const std::uint8_t* data, std::size_t size) {
  using namespace rsolv;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto target = security::parse_target(text, "fuzz.yaml");
    try {
      security::check_host_allowed(target, {});
    } catch (const Error&) {
    }
  } catch (const UsageError& error) {
    FUZZ_CHECK(std::string_view(error.what()).starts_with("fuzz.yaml"), std::string("error without the file: ") + error.what());
  }
}
