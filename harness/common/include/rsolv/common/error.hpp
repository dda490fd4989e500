#pragma once
// Errors across library boundaries are exceptions carrying a user-facing, one-line message:
// what is wrong, where, and what to do. Tools print what() and exit; no stack traces.
#include <stdexcept>
#include <string>

namespace rsolv {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Bad input from the user (arguments, files, environment). Tools map it to their usage exit code.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace rsolv
