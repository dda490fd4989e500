#include "rsolv/webhook_sim/new_ids.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "rsolv/common/error.hpp"
#include "rsolv/stripe/events/catalogue.hpp"

namespace rsolv::webhook_sim {

namespace {

// Prefixes of Stripe object ids, so a reference is recognised even when the object it names is not
// in the file (an invoice's subscription, a charge's payment_intent). Anything under an "id" key
// counts as well, whatever its prefix.
constexpr std::array<std::string_view, 40> kStripePrefixes = {
    "evt_", "cus_",  "sub_",  "sub_sched_", "si_",  "in_",  "il_",  "ii_",     "pm_",      "ch_",
    "py_",  "pi_",   "seti_", "setatt_",    "src_", "card_", "ba_", "txn_",    "re_",      "pyr_",
    "dp_",  "du_",   "cn_",   "cnli_",      "cs_test_", "cs_live_", "prod_", "price_", "plan_", "tr_",
    "po_",  "ipi_",  "di_",   "promo_",     "txr_", "tax_",  "mandate_", "file_", "acct_", "req_"};

bool is_base62(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

// "cs_test_a1B2" -> "cs_test_": lowercase words each ending in '_', then a base62 body.
std::string_view prefix_of(std::string_view id) {
  const auto last = id.rfind('_');
  if (last == std::string_view::npos || last == 0 || !is_base62(id.substr(last + 1))) return {};
  const auto prefix = id.substr(0, last + 1);
  const bool words = std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  return words && prefix.front() >= 'a' && prefix.front() <= 'z' && prefix.find("__") == std::string_view::npos
             ? prefix
             : std::string_view();
}

// A reference outside an "id" key: a known prefix and a body long enough to be generated (Stripe's
// are 14 or more characters), so "charge_automatically" or "subscription_cycle" are left alone.
bool looks_like_reference(std::string_view text) {
  const auto prefix = prefix_of(text);
  if (prefix.empty() || text.size() - prefix.size() < 8) return false;
  return std::find(kStripePrefixes.begin(), kStripePrefixes.end(), prefix) != kStripePrefixes.end();
}

void collect(const nlohmann::json& value, std::unordered_set<std::string>& ids) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (child.is_string()) {
        const auto& text = child.get_ref<const std::string&>();
        if ((key == "id" && !prefix_of(text).empty()) || looks_like_reference(text)) ids.insert(text);
      } else {
        collect(child, ids);
      }
    }
  } else if (value.is_array()) {
    for (const auto& child : value) {
      if (child.is_string()) {
        if (looks_like_reference(child.get_ref<const std::string&>())) ids.insert(child.get<std::string>());
      } else {
        collect(child, ids);
      }
    }
  }
}

void replace(nlohmann::json& value, const std::unordered_map<std::string, std::string>& fresh) {
  if (value.is_string()) {
    if (const auto it = fresh.find(value.get_ref<const std::string&>()); it != fresh.end()) value = it->second;
  } else if (value.is_structured()) {
    for (auto& child : value) replace(child, fresh);
  }
}

}  // namespace

std::vector<std::string> parse_kept_prefixes(const std::string& text) {
  std::vector<std::string> prefixes;
  if (text.empty() || text == "none") return prefixes;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const auto item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const bool shaped = item.size() >= 2 && item.size() <= 32 && item.back() == '_' &&
                        std::all_of(item.begin(), item.end(), [](char c) {
                          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                        });
    if (!shaped) {
      throw UsageError("--keep-ids takes id prefixes separated by commas (e.g. cus_,price_), or none; not '" +
                       item.substr(0, 40) + "'");
    }
    prefixes.push_back(item);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return prefixes;
}

std::size_t mint_new_ids(std::vector<nlohmann::json>& events, const std::vector<std::string>& kept_prefixes,
                         Random& random) {
  std::unordered_set<std::string> ids;
  for (const auto& event : events) collect(event, ids);
  // Sorted, so a --seed gives the same new ids on every run.
  std::vector<std::string> ordered(ids.begin(), ids.end());
  std::sort(ordered.begin(), ordered.end());
  std::unordered_map<std::string, std::string> fresh;
  for (const auto& id : ordered) {
    const bool kept = std::any_of(kept_prefixes.begin(), kept_prefixes.end(),
                                  [&](const std::string& prefix) { return id.starts_with(prefix); });
    if (!kept) fresh.emplace(id, stripe::events::make_id(prefix_of(id), random));
  }
  for (auto& event : events) replace(event, fresh);
  return fresh.size();
}

}  // namespace rsolv::webhook_sim
