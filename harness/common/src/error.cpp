#include "rsolv/common/error.hpp"

// Error is header-only in behaviour; this unit anchors its vtable in one object file.
namespace rsolv {}
