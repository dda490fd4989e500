#include "fuzz_target.hpp"

#include "rsolv/common/strings.hpp"

namespace rsolv::fuzz {

bool valid_utf8(std::string_view text) { return is_utf8(text); }

}  // namespace rsolv::fuzz
