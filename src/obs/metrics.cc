#include "gregor/obs/metrics.h"

#include <cassert>

#include "prometheus_text.h"

namespace gregor::obs {

namespace {

template <class T>
T& fallback() {
  // Where a mistyped request lands in release builds: updates go nowhere visible instead of
  // corrupting another family.
  static T sink;
  return sink;
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kSummary:
      return "summary";
  }
  return "untyped";
}

}  // namespace

Registry::Registry(Clock clock, std::chrono::seconds window)
    : clock_(std::move(clock)), window_(window), window_start_(clock_()) {}

Registry::Family& Registry::family(const MetricDef& def) {
  auto it = families_.find(def.name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(def.name), Family{def, {}}).first;
  }
  assert(it->second.def.type == def.type && "metric family registered with another type");
  return it->second;
}

Registry::Series& Registry::series(const MetricDef& def, Labels labels, Series initial) {
  Family& f = family(def);
  auto it = f.series.find(labels);
  if (it == f.series.end()) it = f.series.emplace(std::move(labels), std::move(initial)).first;
  return it->second;
}

Counter& Registry::counter(const MetricDef& def, Labels labels) {
  auto* c = std::get_if<Counter>(&series(def, std::move(labels), Counter{}));
  assert(c != nullptr && def.type == MetricType::kCounter);
  return c != nullptr ? *c : fallback<Counter>();
}

Gauge& Registry::gauge(const MetricDef& def, Labels labels) {
  auto* g = std::get_if<Gauge>(&series(def, std::move(labels), Gauge{}));
  assert(g != nullptr && def.type == MetricType::kGauge);
  return g != nullptr ? *g : fallback<Gauge>();
}

Summary& Registry::summary(const MetricDef& def, Labels labels) {
  auto* s = std::get_if<Summary>(&series(def, std::move(labels), Summary{}));
  assert(s != nullptr && def.type == MetricType::kSummary);
  return s != nullptr ? *s : fallback<Summary>();
}

void Registry::gauge_callback(const MetricDef& def, Labels labels, std::function<double()> read) {
  assert(def.type == MetricType::kGauge);
  series(def, std::move(labels), Callback{}) = Callback{std::move(read)};
}

bool Registry::remove(const MetricDef& def, const Labels& labels) {
  auto it = families_.find(def.name);
  return it != families_.end() && it->second.series.erase(labels) > 0;
}

size_t Registry::remove_matching(std::string_view name, std::string_view value) {
  size_t removed = 0;
  for (auto& [family_name, f] : families_) {
    removed += std::erase_if(f.series, [&](const auto& entry) {
      for (const auto& [k, v] : entry.first) {
        if (k == name && v == value) return true;
      }
      return false;
    });
  }
  return removed;
}

std::string Registry::render() {
  auto now = clock_();
  bool rotate = now - window_start_ >= window_;
  if (rotate) window_start_ = now;

  std::string out;
  for (auto& [name, f] : families_) {
    if (f.series.empty()) continue;
    out += "# HELP ";
    out += name;
    out += ' ';
    append_help(out, f.def.help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type_name(f.def.type);
    out += '\n';
    for (auto& [labels, s] : f.series) {
      if (auto* c = std::get_if<Counter>(&s)) {
        append_sample(out, name, "", labels, {}, format_integer(c->value()));
      } else if (auto* g = std::get_if<Gauge>(&s)) {
        append_sample(out, name, "", labels, {}, format_double(g->value()));
      } else if (auto* cb = std::get_if<Callback>(&s)) {
        append_sample(out, name, "", labels, {}, format_double(cb->read ? cb->read() : 0));
      } else if (auto* sum = std::get_if<Summary>(&s)) {
        if (rotate) sum->rotate();
        for (const auto& [q, text] : kSummaryQuantiles) {
          append_sample(out, name, "", labels, {"quantile", text}, format_double(sum->quantile(q)));
        }
        append_sample(out, name, "_sum", labels, {}, format_double(sum->sum()));
        append_sample(out, name, "_count", labels, {}, format_integer(sum->count()));
      }
    }
  }
  return out;
}

}  // namespace gregor::obs
