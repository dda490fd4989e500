// libFuzzer's entry point: the target's check function, nothing else.
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_one_input(data, size);
  return 0;
}
