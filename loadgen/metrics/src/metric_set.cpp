#include "rsolv/loadgen/metrics/metric_set.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "rsolv/common/error.hpp"

namespace rsolv::loadgen::metrics {

std::string_view to_string(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::rate: return "rate";
    case MetricType::trend: return "trend";
  }
  return "counter";
}

std::optional<MetricType> metric_type_from_string(std::string_view text) {
  if (text == "counter") return MetricType::counter;
  if (text == "gauge") return MetricType::gauge;
  if (text == "rate") return MetricType::rate;
  if (text == "trend") return MetricType::trend;
  return std::nullopt;
}

namespace {

std::string_view kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::time: return "time";
    case ValueKind::data: return "data";
    default: return "default";
  }
}

ValueKind kind_from(std::string_view text) {
  if (text == "time") return ValueKind::time;
  if (text == "data") return ValueKind::data;
  return ValueKind::plain;
}

}  // namespace

Tags normalize_tags(Tags tags) {
  std::stable_sort(tags.begin(), tags.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Later entries win (a step's tag overrides its scenario's).
  Tags out;
  for (auto& tag : tags) {
    if (!out.empty() && out.back().first == tag.first) {
      out.back().second = std::move(tag.second);
    } else {
      out.push_back(std::move(tag));
    }
  }
  return out;
}

std::string series_key(std::string_view metric, const Tags& tags) {
  std::string key(metric);
  if (tags.empty()) return key;
  key.push_back('{');
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) key.push_back(',');
    key += tags[i].first;
    key.push_back(':');
    key += tags[i].second;
  }
  key.push_back('}');
  return key;
}

bool tags_match(const Tags& tags, const Tags& filter) {
  for (const auto& wanted : filter) {
    const auto it = std::lower_bound(tags.begin(), tags.end(), wanted.first,
                                     [](const auto& tag, const std::string& key) { return tag.first < key; });
    if (it == tags.end() || it->first != wanted.first || it->second != wanted.second) return false;
  }
  return true;
}

SeriesValue::SeriesValue(const SeriesValue& other)
    : sum(other.sum),
      gauge(other.gauge),
      gauge_min(other.gauge_min),
      gauge_max(other.gauge_max),
      gauge_set(other.gauge_set),
      hits(other.hits),
      total(other.total),
      histogram(other.histogram ? std::make_unique<metrics::Histogram>(*other.histogram) : nullptr) {}

SeriesValue& SeriesValue::operator=(const SeriesValue& other) {
  if (this != &other) {
    SeriesValue copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void SeriesValue::set_gauge(double value) {
  gauge = value;
  if (!gauge_set) {
    gauge_min = gauge_max = value;
    gauge_set = true;
  } else {
    gauge_min = std::min(gauge_min, value);
    gauge_max = std::max(gauge_max, value);
  }
}

metrics::Histogram& SeriesValue::trend() {
  if (!histogram) histogram = std::make_unique<metrics::Histogram>();
  return *histogram;
}

bool SeriesValue::empty(MetricType type) const {
  switch (type) {
    case MetricType::counter: return sum == 0;
    case MetricType::gauge: return !gauge_set;
    case MetricType::rate: return total == 0;
    case MetricType::trend: return !histogram || histogram->count() == 0;
  }
  return true;
}

void SeriesValue::merge(const SeriesValue& other, MetricType type) {
  switch (type) {
    case MetricType::counter: sum += other.sum; break;
    case MetricType::rate:
      hits += other.hits;
      total += other.total;
      break;
    case MetricType::gauge:
      if (!other.gauge_set) break;
      if (!gauge_set) {
        gauge = other.gauge;
        gauge_min = other.gauge_min;
        gauge_max = other.gauge_max;
        gauge_set = true;
      } else {
        gauge += other.gauge;
        gauge_min += other.gauge_min;
        gauge_max += other.gauge_max;
      }
      break;
    case MetricType::trend:
      if (other.histogram && other.histogram->count() > 0) trend().merge(*other.histogram);
      break;
  }
}

void SeriesValue::reset() {
  sum = gauge = gauge_min = gauge_max = 0;
  gauge_set = false;
  hits = total = 0;
  if (histogram) histogram->reset();
}

void MetricSet::define(const MetricInfo& info) {
  for (auto& existing : infos_) {
    if (existing.name == info.name) {
      if (existing.type != info.type) {
        throw UsageError("metric '" + info.name + "' is a " + std::string(to_string(existing.type)) +
                         ", it cannot also be a " + std::string(to_string(info.type)) + " (pick another name)");
      }
      return;
    }
  }
  infos_.push_back(info);
}

const MetricInfo* MetricSet::info(std::string_view name) const {
  for (const auto& info : infos_) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::size_t MetricSet::series_index(std::string_view metric, const Tags& tags) {
  auto key = series_key(metric, tags);
  if (const auto it = index_.find(key); it != index_.end()) return it->second;
  series_.push_back(Series{std::string(metric), tags, {}});
  index_.emplace(std::move(key), series_.size() - 1);
  return series_.size() - 1;
}

const Series* MetricSet::find(std::string_view metric, const Tags& tags) const {
  const auto it = index_.find(series_key(metric, tags));
  return it == index_.end() ? nullptr : &series_[it->second];
}

void MetricSet::merge(const MetricSet& other) {
  for (const auto& info : other.infos_) define(info);
  for (const auto& series : other.series_) {
    const auto* info = this->info(series.metric);
    const auto index = series_index(series.metric, series.tags);
    series_[index].value.merge(series.value, info != nullptr ? info->type : MetricType::counter);
  }
}

Aggregate MetricSet::aggregate(std::string_view metric, const Tags& filter) const {
  Aggregate out;
  if (const auto* info = this->info(metric)) {
    out.type = info->type;
    out.contains = info->contains;
  }
  for (const auto& series : series_) {
    if (series.metric != metric || !tags_match(series.tags, filter)) continue;
    out.value.merge(series.value, out.type);
    ++out.series;
  }
  return out;
}

nlohmann::json MetricSet::to_json() const {
  nlohmann::json definitions = nlohmann::json::array();
  for (const auto& info : infos_) {
    definitions.push_back({{"name", info.name}, {"type", to_string(info.type)}, {"contains", kind_name(info.contains)}});
  }
  nlohmann::json series = nlohmann::json::array();
  for (const auto& s : series_) {
    const auto* info = this->info(s.metric);
    const auto type = info != nullptr ? info->type : MetricType::counter;
    if (s.value.empty(type)) continue;
    nlohmann::json tags = nlohmann::json::object();
    for (const auto& [k, v] : s.tags) tags[k] = v;
    nlohmann::json entry{{"metric", s.metric}, {"tags", std::move(tags)}};
    switch (type) {
      case MetricType::counter: entry["sum"] = s.value.sum; break;
      case MetricType::gauge:
        entry["value"] = s.value.gauge;
        entry["min"] = s.value.gauge_min;
        entry["max"] = s.value.gauge_max;
        break;
      case MetricType::rate:
        entry["hits"] = s.value.hits;
        entry["total"] = s.value.total;
        break;
      case MetricType::trend: entry["histogram"] = s.value.histogram->to_json(); break;
    }
    series.push_back(std::move(entry));
  }
  return {{"definitions", std::move(definitions)}, {"series", std::move(series)}};
}

MetricSet MetricSet::from_json(const nlohmann::json& json) {
  const auto fail = [](const std::string& why) -> MetricSet { throw Error("invalid metrics in summary: " + why); };
  if (!json.is_object() || !json.contains("definitions") || !json.contains("series") ||
      !json["definitions"].is_array() || !json["series"].is_array()) {
    return fail("expected {\"definitions\": [...], \"series\": [...]}");
  }
  MetricSet set;
  try {
    for (const auto& d : json["definitions"]) {
      const auto type = metric_type_from_string(d.at("type").get<std::string>());
      if (!type) return fail("unknown metric type '" + d.at("type").get<std::string>() + "'");
      set.define({d.at("name").get<std::string>(), *type, kind_from(d.value("contains", std::string("default")))});
    }
    for (const auto& s : json["series"]) {
      const auto metric = s.at("metric").get<std::string>();
      const auto* info = set.info(metric);
      if (info == nullptr) return fail("series of undefined metric '" + metric + "'");
      Tags tags;
      for (const auto& [k, v] : s.at("tags").items()) tags.emplace_back(k, v.get<std::string>());
      auto& value = set.at(set.series_index(metric, normalize_tags(std::move(tags)))).value;
      SeriesValue parsed;
      switch (info->type) {
        case MetricType::counter: parsed.sum = s.at("sum").get<double>(); break;
        case MetricType::gauge:
          parsed.gauge = s.at("value").get<double>();
          parsed.gauge_min = s.at("min").get<double>();
          parsed.gauge_max = s.at("max").get<double>();
          parsed.gauge_set = true;
          break;
        case MetricType::rate:
          parsed.hits = s.at("hits").get<std::int64_t>();
          parsed.total = s.at("total").get<std::int64_t>();
          if (parsed.hits < 0 || parsed.total < parsed.hits) return fail("rate of '" + metric + "' has hits > total");
          break;
        case MetricType::trend:
          parsed.histogram = std::make_unique<metrics::Histogram>(metrics::Histogram::from_json(s.at("histogram")));
          break;
      }
      value.merge(parsed, info->type);
    }
  } catch (const nlohmann::json::exception& error) {
    return fail(error.what());
  }
  return set;
}

void define_builtin_metrics(MetricSet& set) {
  set.define({"http_reqs", MetricType::counter, ValueKind::plain});
  set.define({"http_req_failed", MetricType::rate, ValueKind::plain});
  set.define({"http_req_duration", MetricType::trend, ValueKind::time});
  set.define({"http_req_waiting", MetricType::trend, ValueKind::time});
  set.define({"http_req_connecting", MetricType::trend, ValueKind::time});
  set.define({"http_req_tls_handshaking", MetricType::trend, ValueKind::time});
  set.define({"http_req_sending", MetricType::trend, ValueKind::time});
  set.define({"http_req_receiving", MetricType::trend, ValueKind::time});
  set.define({"checks", MetricType::rate, ValueKind::plain});
  set.define({"iterations", MetricType::counter, ValueKind::plain});
  set.define({"iteration_duration", MetricType::trend, ValueKind::time});
  set.define({"dropped_iterations", MetricType::counter, ValueKind::plain});
  set.define({"data_sent", MetricType::counter, ValueKind::data});
  set.define({"data_received", MetricType::counter, ValueKind::data});
  set.define({"vus", MetricType::gauge, ValueKind::plain});
  set.define({"vus_max", MetricType::gauge, ValueKind::plain});
}

}  // namespace rsolv::loadgen::metrics
