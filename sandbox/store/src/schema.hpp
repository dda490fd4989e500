#pragma once
#include "rsolv/sandbox/database.hpp"

namespace rsolv::sandbox {

// Applies every migration newer than PRAGMA user_version, each in its own transaction.
// Returns the schema version after migrating.
int migrate(Connection& connection);

}  // namespace rsolv::sandbox
