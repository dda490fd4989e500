#pragma once
// GitHub Actions workflow commands ("::name key=value,...::message" lines on stdout), escaped the
// way the runner unescapes them: data %, CR, LF; property values additionally ':' and ','.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rsolv::action {

using Properties = std::vector<std::pair<std::string, std::string>>;

// % -> %25, \r -> %0D, \n -> %0A (the message part of a command).
std::string escape_data(std::string_view text);
// escape_data plus : -> %3A and , -> %2C (a property value such as title= or file=).
std::string escape_property(std::string_view text);

// "::name k1=v1,k2=v2::message" without a trailing newline; properties with empty values are left out.
std::string workflow_command(std::string_view name, const Properties& properties, std::string_view message);

// One "::add-mask::..." line per non-empty line of `value` (the runner masks line by line), each
// newline-terminated. Empty when value is empty.
std::string add_mask_lines(std::string_view value);

}  // namespace rsolv::action
