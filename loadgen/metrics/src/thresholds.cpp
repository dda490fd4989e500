#include "rsolv/loadgen/metrics/thresholds.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <cmath>

#include "rsolv/common/error.hpp"
#include "rsolv/common/strings.hpp"

namespace rsolv::loadgen::metrics {

namespace {

bool parse_number(std::string_view text, double& out) {
  text = trim(text);
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

const char* aggregation_name(Aggregation a) {
  switch (a) {
    case Aggregation::avg: return "avg";
    case Aggregation::min: return "min";
    case Aggregation::max: return "max";
    case Aggregation::med: return "med";
    case Aggregation::percentile: return "p(N)";
    case Aggregation::count: return "count";
    case Aggregation::rate: return "rate";
    case Aggregation::value: return "value";
  }
  return "?";
}

}  // namespace

std::pair<std::string, Tags> parse_metric_selector(std::string_view text) {
  text = trim(text);
  const auto brace = text.find('{');
  const auto name = trim(text.substr(0, brace));
  if (!valid_name(name)) {
    throw UsageError("invalid metric name '" + std::string(name) + "' (letters, digits and _ only)");
  }
  Tags tags;
  if (brace != std::string_view::npos) {
    if (text.back() != '}') throw UsageError("tag filter of '" + std::string(text) + "' must end with '}'");
    auto inner = text.substr(brace + 1, text.size() - brace - 2);
    if (trim(inner).empty()) throw UsageError("empty tag filter in '" + std::string(text) + "' (write {tag:value})");
    while (!inner.empty()) {
      const auto comma = inner.find(',');
      const auto pair = inner.substr(0, comma);
      const auto colon = pair.find(':');
      if (colon == std::string_view::npos) {
        throw UsageError("tag filter '" + std::string(trim(pair)) + "' in '" + std::string(text) +
                         "' must be tag:value");
      }
      auto key = trim(pair.substr(0, colon));
      auto value = trim(pair.substr(colon + 1));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      if (key.empty()) throw UsageError("empty tag name in '" + std::string(text) + "'");
      tags.emplace_back(std::string(key), std::string(value));
      if (comma == std::string_view::npos) break;
      inner.remove_prefix(comma + 1);
    }
  }
  return {std::string(name), normalize_tags(std::move(tags))};
}

ThresholdCondition parse_condition(std::string_view text) {
  ThresholdCondition condition;
  condition.source = std::string(trim(text));
  const std::string_view s = condition.source;
  const auto op_at = s.find_first_of("<>=!");
  if (op_at == std::string_view::npos) {
    throw UsageError("threshold '" + condition.source + "' has no comparison (write e.g. p(95)<500)");
  }
  const auto left = trim(s.substr(0, op_at));
  auto rest = s.substr(op_at);
  std::size_t op_len = 1;
  if (rest.starts_with("===")) {
    condition.comparison = Comparison::eq;
    op_len = 3;
  } else if (rest.starts_with("==")) {
    condition.comparison = Comparison::eq;
    op_len = 2;
  } else if (rest.starts_with("!=")) {
    condition.comparison = Comparison::ne;
    op_len = rest.starts_with("!==") ? 3 : 2;
  } else if (rest.starts_with("<=")) {
    condition.comparison = Comparison::le;
    op_len = 2;
  } else if (rest.starts_with(">=")) {
    condition.comparison = Comparison::ge;
    op_len = 2;
  } else if (rest.starts_with("<")) {
    condition.comparison = Comparison::lt;
  } else if (rest.starts_with(">")) {
    condition.comparison = Comparison::gt;
  } else {
    throw UsageError("threshold '" + condition.source + "' has an unknown operator (use < <= > >= == !=)");
  }
  if (!parse_number(rest.substr(op_len), condition.target)) {
    throw UsageError("threshold '" + condition.source + "' must compare with a number, e.g. p(95)<500");
  }
  if (left == "avg") {
    condition.aggregation = Aggregation::avg;
  } else if (left == "min") {
    condition.aggregation = Aggregation::min;
  } else if (left == "max") {
    condition.aggregation = Aggregation::max;
  } else if (left == "med") {
    condition.aggregation = Aggregation::med;
  } else if (left == "count") {
    condition.aggregation = Aggregation::count;
  } else if (left == "rate") {
    condition.aggregation = Aggregation::rate;
  } else if (left == "value") {
    condition.aggregation = Aggregation::value;
  } else if (left.starts_with("p(") && left.ends_with(")")) {
    condition.aggregation = Aggregation::percentile;
    if (!parse_number(left.substr(2, left.size() - 3), condition.percentile) || condition.percentile < 0 ||
        condition.percentile > 100) {
      throw UsageError("threshold '" + condition.source + "': the percentile must be a number from 0 to 100");
    }
  } else {
    throw UsageError("threshold '" + condition.source + "': unknown aggregation '" + std::string(left) +
                     "' (use avg, min, max, med, p(N), count, rate or value)");
  }
  return condition;
}

void check_condition_applies(const ThresholdCondition& condition, const MetricInfo& metric) {
  bool ok = false;
  switch (metric.type) {
    case MetricType::trend:
      ok = condition.aggregation == Aggregation::avg || condition.aggregation == Aggregation::min ||
           condition.aggregation == Aggregation::max || condition.aggregation == Aggregation::med ||
           condition.aggregation == Aggregation::percentile || condition.aggregation == Aggregation::count;
      break;
    case MetricType::counter:
      ok = condition.aggregation == Aggregation::count || condition.aggregation == Aggregation::rate;
      break;
    case MetricType::rate: ok = condition.aggregation == Aggregation::rate; break;
    case MetricType::gauge:
      ok = condition.aggregation == Aggregation::value || condition.aggregation == Aggregation::min ||
           condition.aggregation == Aggregation::max;
      break;
  }
  if (!ok) {
    const char* allowed = metric.type == MetricType::trend     ? "avg, min, max, med, p(N), count"
                          : metric.type == MetricType::counter ? "count, rate"
                          : metric.type == MetricType::rate    ? "rate"
                                                               : "value, min, max";
    throw UsageError("threshold '" + condition.source + "': " + aggregation_name(condition.aggregation) +
                     " does not apply to " + metric.name + ", a " + std::string(to_string(metric.type)) + " (use " +
                     allowed + ")");
  }
}

double aggregate_value(const Aggregate& aggregate, const ThresholdCondition& condition, double duration_seconds) {
  const auto& v = aggregate.value;
  switch (aggregate.type) {
    case MetricType::trend: {
      if (!v.histogram || v.histogram->count() == 0) return 0;
      const auto& h = *v.histogram;
      switch (condition.aggregation) {
        case Aggregation::avg: return h.mean() / kTrendScale;
        case Aggregation::min: return static_cast<double>(h.min()) / kTrendScale;
        case Aggregation::max: return static_cast<double>(h.max()) / kTrendScale;
        case Aggregation::med: return static_cast<double>(h.value_at_percentile(50)) / kTrendScale;
        case Aggregation::percentile:
          return static_cast<double>(h.value_at_percentile(condition.percentile)) / kTrendScale;
        case Aggregation::count: return static_cast<double>(h.count());
        default: return 0;
      }
    }
    case MetricType::counter:
      if (condition.aggregation == Aggregation::rate) return duration_seconds > 0 ? v.sum / duration_seconds : 0;
      return v.sum;
    case MetricType::rate: return v.total > 0 ? static_cast<double>(v.hits) / static_cast<double>(v.total) : 0;
    case MetricType::gauge:
      if (condition.aggregation == Aggregation::min) return v.gauge_min;
      if (condition.aggregation == Aggregation::max) return v.gauge_max;
      return v.gauge;
  }
  return 0;
}

bool compare(double actual, Comparison comparison, double target) {
  switch (comparison) {
    case Comparison::lt: return actual < target;
    case Comparison::le: return actual <= target;
    case Comparison::gt: return actual > target;
    case Comparison::ge: return actual >= target;
    case Comparison::eq: return actual == target;
    case Comparison::ne: return actual != target;
  }
  return false;
}

std::vector<ThresholdResult> evaluate(const std::vector<Threshold>& thresholds, const MetricSet& metrics,
                                      double duration_seconds) {
  std::vector<ThresholdResult> results;
  for (const auto& threshold : thresholds) {
    const auto aggregate = metrics.aggregate(threshold.metric, threshold.filter);
    for (const auto& condition : threshold.conditions) {
      ThresholdResult result;
      result.key = threshold.key;
      result.source = condition.source;
      result.abort_on_fail = condition.abort_on_fail;
      result.actual = aggregate_value(aggregate, condition, duration_seconds);
      // A counter nobody incremented is simply 0; for the other types "no data" is worth saying.
      result.no_samples = aggregate.type != MetricType::counter &&
                          (aggregate.series == 0 || aggregate.value.empty(aggregate.type));
      result.ok = compare(result.actual, condition.comparison, condition.target);
      results.push_back(std::move(result));
    }
  }
  return results;
}

nlohmann::json thresholds_to_json(const std::vector<Threshold>& thresholds) {
  // A list, not an object: the order of the file is the order of every report.
  nlohmann::json out = nlohmann::json::array();
  for (const auto& threshold : thresholds) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : threshold.conditions) {
      if (!c.abort_on_fail) {
        list.push_back(c.source);
      } else {
        list.push_back({{"threshold", c.source},
                        {"abortOnFail", true},
                        {"delayAbortEval_us", static_cast<std::int64_t>(c.delay_abort_eval.count())}});
      }
    }
    out.push_back({{"key", threshold.key}, {"conditions", std::move(list)}});
  }
  return out;
}

std::vector<Threshold> thresholds_from_json(const nlohmann::json& json) {
  // [{key, conditions}] as written by thresholds_to_json, or {key: conditions} as in a scenario file.
  std::vector<std::pair<std::string, nlohmann::json>> entries;
  if (json.is_array()) {
    for (const auto& item : json) {
      if (!item.is_object() || !item.contains("key") || !item["key"].is_string() || !item.contains("conditions")) {
        throw Error("invalid thresholds in summary: expected [{\"key\": ..., \"conditions\": [...]}]");
      }
      entries.emplace_back(item["key"].get<std::string>(), item["conditions"]);
    }
  } else if (json.is_object()) {
    for (const auto& [key, list] : json.items()) entries.emplace_back(key, list);
  } else {
    throw Error("invalid thresholds in summary: expected a list");
  }
  std::vector<Threshold> out;
  for (const auto& [key, list] : entries) {
    Threshold threshold;
    threshold.key = key;
    std::tie(threshold.metric, threshold.filter) = parse_metric_selector(key);
    if (!list.is_array()) throw Error("invalid thresholds in summary: '" + key + "' must be a list");
    for (const auto& item : list) {
      if (item.is_string()) {
        threshold.conditions.push_back(parse_condition(item.get<std::string>()));
      } else if (item.is_object() && item.contains("threshold")) {
        auto c = parse_condition(item["threshold"].get<std::string>());
        c.abort_on_fail = item.value("abortOnFail", false);
        c.delay_abort_eval = std::chrono::microseconds(item.value("delayAbortEval_us", std::int64_t{0}));
        threshold.conditions.push_back(std::move(c));
      } else {
        throw Error("invalid thresholds in summary: entries of '" + key + "' must be strings or objects");
      }
    }
    out.push_back(std::move(threshold));
  }
  return out;
}

}  // namespace rsolv::loadgen::metrics
