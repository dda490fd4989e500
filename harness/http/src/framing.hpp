#pragma once
// Request framing checks of the server (server.cpp), on the raw header bytes and on the parsed
// fields: the shapes two HTTP parsers may frame differently (request smuggling: an ambiguous body
// length, folded field lines, repeated Host) are refused before a body is read.
#include <boost/beast/http/fields.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rsolv::http {

// Empty lines a client may send before a request line (HTTP tolerates them): their byte count.
std::size_t leading_blank_lines(std::string_view bytes);
// The end of the header section (the offset after its empty line), searching from `from`
// (bytes before it were searched already); nullopt while it is incomplete.
std::optional<std::size_t> find_header_end(std::string_view bytes, std::size_t from);
// A field line continued on the next line by leading whitespace (obs-fold, obsolete in HTTP/1.1).
bool has_obs_fold(std::string_view header);
// What makes the body's length ambiguous, as a one-line message, or nullopt: a Transfer-Encoding
// other than exactly "chunked", Transfer-Encoding together with Content-Length, several Host fields.
std::optional<std::string> framing_problem(const boost::beast::http::fields& fields);

}  // namespace rsolv::http
