#pragma once
// `replay --new-ids`: every Stripe id in the replayed events gets a fresh one with the same prefix
// (evt_, sub_, in_, ...), the same old id always the same new id, wherever it appears: an object's
// own `id` and every reference to it (`subscription`, `invoice`, `parent.subscription_details.
// subscription`, `latest_invoice`, ...). An app then sees new events about new objects instead of
// duplicates. Ids starting with a kept prefix stay: by default customers, prices, products and
// plans, which the app knows from before (a new cus_ id is a customer it has never seen).
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rsolv/common/random.hpp"

namespace rsolv::webhook_sim {

inline constexpr const char* kDefaultKeptIdPrefixes = "cus_,price_,prod_,plan_";

// "cus_,price_" -> the prefixes; "none" or "" -> none. UsageError "--keep-ids: ..." for an entry
// that is not lowercase letters, digits and '_' ending in '_'.
std::vector<std::string> parse_kept_prefixes(const std::string& text);

// Rewrites the events in place; returns how many distinct ids were replaced.
std::size_t mint_new_ids(std::vector<nlohmann::json>& events, const std::vector<std::string>& kept_prefixes,
                         Random& random);

}  // namespace rsolv::webhook_sim
