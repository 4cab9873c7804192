// Summary: log-linear buckets in the style of HdrHistogram. Values are scaled to integer
// microunits; values below 64 microunits get one bucket each, and every power of two above
// that is split into 32 buckets, so a bucket's width is at most 1/32 of its lower bound.
#include <array>
#include <bit>
#include <cmath>

#include "gregor/obs/metrics.h"

namespace gregor::obs {

namespace {

constexpr int kExactBuckets = 64;  // Microunits 0..63, one bucket each.
constexpr int kSubBuckets = 32;    // Buckets per power of two above that.
constexpr int kMinExponent = 6;    // 2^6 = 64, the first split power of two.
constexpr int kMaxExponent = 43;   // Larger values (over 8.7e9 units) share the last bucket.
constexpr int kBuckets = kExactBuckets + (kMaxExponent - kMinExponent + 1) * kSubBuckets;
constexpr double kScale = 1000.0;  // Units to microunits.

int bucket_index(uint64_t micro) {
  if (micro < static_cast<uint64_t>(kExactBuckets)) return static_cast<int>(micro);
  int exponent = std::bit_width(micro) - 1;
  if (exponent > kMaxExponent) return kBuckets - 1;
  int shift = exponent - 5;  // Leaves the top six bits: 32..63.
  auto sub = static_cast<int>(micro >> shift);
  return kExactBuckets + (exponent - kMinExponent) * kSubBuckets + (sub - kSubBuckets);
}

// The midpoint of the bucket, in microunits; exact for the one-value buckets.
double bucket_value(int index) {
  if (index < kExactBuckets) return index;
  int exponent = kMinExponent + (index - kExactBuckets) / kSubBuckets;
  int sub = kSubBuckets + (index - kExactBuckets) % kSubBuckets;
  int shift = exponent - 5;
  double lower = std::ldexp(sub, shift);
  return lower + std::ldexp(1.0, shift) / 2;
}

}  // namespace

struct Summary::Window {
  std::array<uint32_t, kBuckets> counts{};
  uint64_t total = 0;

  void clear() {
    counts.fill(0);
    total = 0;
  }
};

Summary::Summary() = default;
Summary::~Summary() = default;
Summary::Summary(Summary&&) noexcept = default;
Summary& Summary::operator=(Summary&&) noexcept = default;

void Summary::observe(double value) {
  if (!(value > 0)) value = 0;  // Also maps NaN to 0.
  ++count_;
  sum_ += value;
  if (!current_) current_ = std::make_unique<Window>();
  double micro = value * kScale;
  uint64_t scaled = micro >= 0x1p63 ? UINT64_MAX : static_cast<uint64_t>(std::llround(micro));
  ++current_->counts[static_cast<size_t>(bucket_index(scaled))];
  ++current_->total;
}

double Summary::quantile(double q) const {
  uint64_t total = (current_ ? current_->total : 0) + (previous_ ? previous_->total : 0);
  if (total == 0) return 0;
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
  if (rank < 1) rank = 1;
  if (rank > total) rank = total;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    auto idx = static_cast<size_t>(i);
    seen += (current_ ? current_->counts[idx] : 0) + (previous_ ? previous_->counts[idx] : 0);
    if (seen >= rank) return bucket_value(i) / kScale;
  }
  return bucket_value(kBuckets - 1) / kScale;
}

void Summary::rotate() {
  // Reuse the dropped window's memory for the new current window.
  std::swap(current_, previous_);
  if (current_) current_->clear();
}

}  // namespace gregor::obs
