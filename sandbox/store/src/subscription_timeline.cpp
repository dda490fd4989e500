// Per-subscription memory of what was applied, so events delivered out of order cannot move a
// customer's subscription back in time (see webhooks.cpp for the rules that read it).
#include <algorithm>

#include "operations.hpp"

namespace rsolv::sandbox::ops {

SubscriptionTimeline load_timeline(Connection& db, const std::string& subscription_id) {
  Statement query(db, "SELECT last_event_created, deleted FROM stripe_subscriptions WHERE id = ?1");
  query.bind(1, subscription_id);
  SubscriptionTimeline timeline;
  if (!query.step()) return timeline;
  timeline.known = true;
  timeline.last_event_created = query.int64(0);
  timeline.deleted = query.int64(1) != 0;
  return timeline;
}

void advance_timeline(Connection& db, std::int64_t customer_id, const std::string& subscription_id,
                      std::optional<std::int64_t> created, bool deleted) {
  // An event without `created` keeps the newest time seen; the clock never moves backwards.
  Statement upsert(db,
                   "INSERT INTO stripe_subscriptions (id, customer_id, last_event_created, deleted) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
                   "last_event_created = MAX(last_event_created, excluded.last_event_created), "
                   "deleted = MAX(deleted, excluded.deleted)");
  upsert.bind(1, subscription_id).bind(2, customer_id).bind(3, std::max<std::int64_t>(0, created.value_or(0)));
  upsert.bind(4, deleted).run();
}

}  // namespace rsolv::sandbox::ops
