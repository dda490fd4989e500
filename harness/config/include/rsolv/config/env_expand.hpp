#pragma once
// `${env.NAME}`, `${env.NAME:-default}` and `${env.NAME-default}` expansion in configuration
// strings, with the shell's meaning: `:-` takes the default when NAME is unset or empty, `-` only
// when NAME is unset (an empty value stays empty). Other `${...}` forms are left untouched (the
// load generator's templates use them); `$${` is a literal `${`.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::config {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Reads the process environment.
EnvLookup process_env();

// Throws rsolv::UsageError for an unset variable without default ("environment variable X is not
// set (export it or write ${env.X:-default})"), an unterminated `${env.`, an invalid name, or a
// `${` inside a default (no nesting). Values are inserted as they are, never expanded again.
std::string expand_env(std::string_view text, const EnvLookup& lookup);

}  // namespace rsolv::config
