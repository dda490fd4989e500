// `replay FILE`: events captured from Stripe or `listen`, re-signed for the target and delivered
// through the same path as `flow` (faults, report, --expect), optionally under fresh ids.
#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "rsolv/common/error.hpp"
#include "rsolv/webhook_sim/event_file.hpp"
#include "rsolv/webhook_sim/new_ids.hpp"
#include "send_common.hpp"

namespace rsolv::webhook_sim {

namespace {

// --order created: Stripe's list API returns the newest first; this sends the oldest first.
void sort_by_created(std::vector<nlohmann::json>& events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto created = events[i].find("created");
    if (created == events[i].end() || !created->is_number_integer()) {
      throw UsageError(fmt::format("--order created: event {} ({}) has no whole-number \"created\"", i + 1,
                                   events[i]["id"].get<std::string>()));
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["created"].get<std::int64_t>() < b["created"].get<std::int64_t>();
  });
}

}  // namespace

int run_replay(const ReplayArgs& args, std::ostream& out, std::ostream& err) {
  // Every flag before the file is read, as `flow` checks its flags before building.
  (void)detail::send_options_from(args.send);
  if (args.order != "file" && args.order != "created") {
    throw UsageError("--order takes file or created, not '" + args.order.substr(0, 40) + "'");
  }
  if (args.keep_ids && !args.new_ids) throw UsageError("--keep-ids applies only with --new-ids");
  const auto kept = parse_kept_prefixes(args.keep_ids.value_or(kDefaultKeptIdPrefixes));

  auto file = load_event_file(args.file);
  auto& events = file.events;
  if (args.order == "created") sort_by_created(events);
  auto random = detail::make_random(args.send);
  if (args.new_ids) (void)mint_new_ids(events, kept, random);
  for (auto& event : events) detail::apply_edits(event, args.send);
  if (file.skipped_lines > 0 && !args.send.quiet) {
    err << fmt::format("rsolv-webhook-sim: note: {} `listen` line{} without an event not replayed (refused, skipped "
                       "by --events, or not JSON)\n",
                       file.skipped_lines, file.skipped_lines == 1 ? "" : "s");
  }
  return detail::emit(events, args.send, "replay " + (args.file == "-" ? std::string("<stdin>") : args.file), random,
                      out, err);
}

}  // namespace rsolv::webhook_sim
