#pragma once
// The target file's declared requests (RequestSpec) as the bola, race and business-logic suites
// send them, and the watched numbers (Watch) they judge effects by.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "rsolv/common/random.hpp"
#include "rsolv/security/probe.hpp"

namespace rsolv::security {

// What a declared request's placeholders stand for in one sample (target.hpp: RequestSpec).
struct Placeholders {
  std::string marker;       // ${marker}
  nlohmann::json id;        // {id}: the planted object's id (a number stays a number in a body)
  std::string owner_id;     // {owner.id}
};

// A fresh ${marker}: long and random, so that no answer holds it by chance.
std::string new_marker(Random& random);

// A declared request with its placeholders filled in and the key (when `auth`) and JSON content
// type added, ready for Probe::send or Probe::burst.
struct PreparedRequest {
  std::string method;
  std::string path;
  http::Headers headers;
  std::string body;
  // True when `text` appears in what is sent: an answer that echoes it proves nothing.
  bool carries(const std::string& text) const;
};
PreparedRequest prepare(const RequestSpec& spec, const Secret& key, const Placeholders& placeholders);

Exchange send_prepared(Probe& probe, const PreparedRequest& request);

bool accepted(const Exchange& exchange);  // 2xx

// The value of `name` at the top level of an object or one object down ({"customer": {...}}).
std::optional<nlohmann::json> find_field(const nlohmann::json& object, const std::string& name);

// The watched number of the account `key` reaches: NoAnswer when it cannot be read.
std::int64_t read_watch(Probe& probe, const Watch& watch, const Secret& key);

}  // namespace rsolv::security
