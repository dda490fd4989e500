// The Client constructors without a transport argument: every tool's default, the lean transport.
#include "rsolv/http/beast_transport.hpp"

namespace rsolv::http {

Client::Client(ClientOptions options, Clock& clock) : Client(std::move(options), clock, Random()) {}

Client::Client(ClientOptions options, Clock& clock, Random random)
    : Client(make_lean_transport(), std::move(options), clock, std::move(random)) {}

}  // namespace rsolv::http
