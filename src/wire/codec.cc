#include "gregor/wire/codec.h"

#include <limits>
#include <random>

namespace gregor::wire {
namespace {

// Big-endian loads and stores; the protocol is big-endian throughout.
uint64_t load_be(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v = (v << 8) | p[i];
  return v;
}

void store_be(Bytes& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out.push_back(static_cast<uint8_t>(v >> (8 * (n - 1 - i))));
}

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

bool Uuid::is_zero() const {
  for (uint8_t b : bytes)
    if (b != 0) return false;
  return true;
}

std::string Uuid::to_base64() const {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<Uuid> Uuid::from_base64(std::string_view text) {
  if (text.size() != 22) return std::nullopt;
  Uuid u;
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (char c : text) {
    const char* pos = std::strchr(kBase64Url, c);
    if (c == '\0' || pos == nullptr) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(pos - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < 16) u.bytes[n++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  return n == 16 ? std::optional<Uuid>(u) : std::nullopt;
}

Uuid Uuid::random() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  Uuid u;
  uint64_t hi = rng(), lo = rng();
  for (int i = 0; i < 8; ++i) {
    u.bytes[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
    u.bytes[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
  }
  // Version 4, IETF variant, as java.util.UUID.randomUUID() produces.
  u.bytes[6] = (u.bytes[6] & 0x0f) | 0x40;
  u.bytes[8] = (u.bytes[8] & 0x3f) | 0x80;
  return u;
}

Records Records::view(std::span<const uint8_t> bytes) {
  Records r;
  r.null_ = false;
  r.bytes_ = bytes;
  return r;
}

Records Records::copy_of(std::span<const uint8_t> bytes) {
  Records r;
  r.null_ = false;
  r.owned_ = std::make_shared<const Bytes>(bytes.begin(), bytes.end());
  r.bytes_ = std::span<const uint8_t>(*r.owned_);
  return r;
}

Records Records::from_files(std::vector<FileSlice> slices) {
  Records r;
  r.null_ = false;
  r.files_ = std::move(slices);
  return r;
}

int64_t Records::size() const {
  int64_t n = static_cast<int64_t>(bytes_.size());
  for (const auto& f : files_)
    n += f.length;
  return n;
}

bool Records::operator==(const Records& o) const {
  if (null_ || o.null_) return null_ == o.null_;
  return files_ == o.files_ && bytes_.size() == o.bytes_.size() &&
         std::equal(bytes_.begin(), bytes_.end(), o.bytes_.begin());
}

void Reader::fail(const char* why) {
  if (error_ == nullptr) error_ = why;
  p_ = end_;
}

const uint8_t* Reader::need(size_t n) {
  if (error_ != nullptr) return nullptr;
  if (remaining() < n) {
    fail("unexpected end of message");
    return nullptr;
  }
  const uint8_t* at = p_;
  p_ += n;
  return at;
}

int8_t Reader::read_int8() {
  const uint8_t* p = need(1);
  return p ? static_cast<int8_t>(*p) : 0;
}
int16_t Reader::read_int16() {
  const uint8_t* p = need(2);
  return p ? static_cast<int16_t>(load_be(p, 2)) : 0;
}
uint16_t Reader::read_uint16() {
  const uint8_t* p = need(2);
  return p ? static_cast<uint16_t>(load_be(p, 2)) : 0;
}
int32_t Reader::read_int32() {
  const uint8_t* p = need(4);
  return p ? static_cast<int32_t>(load_be(p, 4)) : 0;
}
uint32_t Reader::read_uint32() {
  const uint8_t* p = need(4);
  return p ? static_cast<uint32_t>(load_be(p, 4)) : 0;
}
int64_t Reader::read_int64() {
  const uint8_t* p = need(8);
  return p ? static_cast<int64_t>(load_be(p, 8)) : 0;
}
double Reader::read_float64() {
  uint64_t bits = static_cast<uint64_t>(read_int64());
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}
bool Reader::read_bool() {
  const uint8_t* p = need(1);
  return p != nullptr && *p != 0;
}
Uuid Reader::read_uuid() {
  Uuid u;
  if (const uint8_t* p = need(16)) std::memcpy(u.bytes, p, 16);
  return u;
}

uint32_t Reader::read_uvarint() {
  uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    const uint8_t* p = need(1);
    if (p == nullptr) return 0;
    // The fifth byte may only carry the top 4 bits of a 32-bit value.
    if (shift == 28 && (*p & 0xf0) != 0) {
      fail("varint too long");
      return 0;
    }
    v |= static_cast<uint32_t>(*p & 0x7f) << shift;
    if ((*p & 0x80) == 0) return v;
  }
  fail("varint too long");
  return 0;
}

int32_t Reader::read_varint() {
  uint32_t u = read_uvarint();
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t Reader::read_varlong() {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    const uint8_t* p = need(1);
    if (p == nullptr) return 0;
    if (shift == 63 && (*p & 0xfe) != 0) break;
    v |= static_cast<uint64_t>(*p & 0x7f) << shift;
    if ((*p & 0x80) == 0) return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  fail("varlong too long");
  return 0;
}

// Reads a string (int16) or bytes (int32) length, or a compact one in flexible versions. Returns -1
// for null (only when nullable_ok), else a length that is known to fit in the remaining bytes.
int32_t Reader::read_length(bool flexible, bool nullable_ok, bool int16_length) {
  int64_t len;
  if (flexible) {
    len = static_cast<int64_t>(read_uvarint()) - 1;
  } else if (int16_length) {
    len = read_int16();
  } else {
    len = read_int32();
  }
  if (!ok()) return 0;
  if (len < -1) {
    fail("negative length");
    return 0;
  }
  if (len == -1) {
    if (!nullable_ok) {
      fail("null where a value is required");
      return 0;
    }
    return -1;
  }
  if (static_cast<uint64_t>(len) > remaining()) {
    fail("length runs past the end of the message");
    return 0;
  }
  return static_cast<int32_t>(len);
}

std::string Reader::read_string(bool flexible) {
  int32_t len = read_length(flexible, false, true);
  const uint8_t* p = len > 0 ? need(static_cast<size_t>(len)) : nullptr;
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(len))
           : std::string();
}

std::optional<std::string> Reader::read_nullable_string(bool flexible) {
  int32_t len = read_length(flexible, true, true);
  if (len < 0) return std::nullopt;
  const uint8_t* p = len > 0 ? need(static_cast<size_t>(len)) : nullptr;
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(len))
           : std::string();
}

Bytes Reader::read_bytes(bool flexible) {
  int32_t len = read_length(flexible, false, false);
  const uint8_t* p = len > 0 ? need(static_cast<size_t>(len)) : nullptr;
  return p ? Bytes(p, p + len) : Bytes();
}

std::optional<Bytes> Reader::read_nullable_bytes(bool flexible) {
  int32_t len = read_length(flexible, true, false);
  if (len < 0) return std::nullopt;
  const uint8_t* p = len > 0 ? need(static_cast<size_t>(len)) : nullptr;
  return p ? Bytes(p, p + len) : Bytes();
}

Records Reader::read_records(bool flexible) {
  int32_t len = read_length(flexible, true, false);
  if (len < 0 || !ok()) return Records();
  const uint8_t* p = need(static_cast<size_t>(len));
  return Records::view(std::span<const uint8_t>(p ? p : p_, p ? static_cast<size_t>(len) : 0));
}

int32_t Reader::read_array_length(bool flexible, size_t min_element_size) {
  int64_t n = flexible ? static_cast<int64_t>(read_uvarint()) - 1 : read_int32();
  if (!ok()) return 0;
  if (n < -1) {
    fail("negative array length");
    return 0;
  }
  if (n == -1) return -1;
  if (min_element_size == 0) min_element_size = 1;
  if (static_cast<uint64_t>(n) > remaining() / min_element_size) {
    fail("array length runs past the end of the message");
    return 0;
  }
  return static_cast<int32_t>(n);
}

Reader Reader::take(size_t n) {
  const uint8_t* p = need(n);
  if (p == nullptr) {
    Reader bad;
    bad.fail(error_);
    return bad;
  }
  return Reader(p, n);
}

void Reader::skip(size_t n) {
  need(n);
}

void Reader::skip_tagged_fields() {
  uint32_t count = read_uvarint();
  for (uint32_t i = 0; i < count && ok(); ++i) {
    read_uvarint();  // tag
    skip(read_uvarint());
  }
}

void Writer::write_int16(int16_t v) {
  store_be(buf_, static_cast<uint16_t>(v), 2);
}
void Writer::write_uint16(uint16_t v) {
  store_be(buf_, v, 2);
}
void Writer::write_int32(int32_t v) {
  store_be(buf_, static_cast<uint32_t>(v), 4);
}
void Writer::write_uint32(uint32_t v) {
  store_be(buf_, v, 4);
}
void Writer::write_int64(int64_t v) {
  store_be(buf_, static_cast<uint64_t>(v), 8);
}
void Writer::write_float64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  store_be(buf_, bits, 8);
}
void Writer::write_uuid(const Uuid& v) {
  buf_.insert(buf_.end(), v.bytes, v.bytes + 16);
}

void Writer::write_uvarint(uint32_t v) {
  while (v >= 0x80) {
    buf_.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  buf_.push_back(static_cast<uint8_t>(v));
}

void Writer::write_varint(int32_t v) {
  write_uvarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

void Writer::write_varlong(int64_t v) {
  uint64_t u = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (u >= 0x80) {
    buf_.push_back(static_cast<uint8_t>(u | 0x80));
    u >>= 7;
  }
  buf_.push_back(static_cast<uint8_t>(u));
}

void Writer::write_string(std::string_view s, bool flexible) {
  if (flexible) {
    write_uvarint(static_cast<uint32_t>(s.size() + 1));
  } else {
    write_int16(static_cast<int16_t>(s.size()));
  }
  buf_.insert(buf_.end(), s.begin(), s.end());
}

void Writer::write_nullable_string(const std::optional<std::string>& s, bool flexible) {
  if (s) return write_string(*s, flexible);
  if (flexible) {
    write_uvarint(0);
  } else {
    write_int16(-1);
  }
}

void Writer::write_bytes(std::span<const uint8_t> b, bool flexible) {
  if (flexible) {
    write_uvarint(static_cast<uint32_t>(b.size() + 1));
  } else {
    write_int32(static_cast<int32_t>(b.size()));
  }
  write_raw(b);
}

void Writer::write_nullable_bytes(const std::optional<Bytes>& b, bool flexible) {
  if (b) return write_bytes(*b, flexible);
  if (flexible) {
    write_uvarint(0);
  } else {
    write_int32(-1);
  }
}

void Writer::write_records(const Records& r, bool flexible) {
  if (r.is_null()) {
    if (flexible) {
      write_uvarint(0);
    } else {
      write_int32(-1);
    }
    return;
  }
  const int64_t n = r.size();
  if (flexible) {
    write_uvarint(static_cast<uint32_t>(n + 1));
  } else {
    write_int32(static_cast<int32_t>(n));
  }
  write_raw(r.bytes());
  for (const auto& f : r.files()) {
    files_.push_back(FileMark{buf_.size(), f});
    file_bytes_ += f.length;
  }
}

void Writer::write_array_length(size_t n, bool flexible) {
  if (flexible) {
    write_uvarint(static_cast<uint32_t>(n + 1));
  } else {
    write_int32(static_cast<int32_t>(n));
  }
}

void Writer::write_null_array(bool flexible) {
  if (flexible) {
    write_uvarint(0);
  } else {
    write_int32(-1);
  }
}

void Writer::append(Writer&& other) {
  const size_t base = buf_.size();
  buf_.insert(buf_.end(), other.buf_.begin(), other.buf_.end());
  for (auto& m : other.files_) {
    files_.push_back(FileMark{base + m.position, std::move(m.slice)});
  }
  file_bytes_ += other.file_bytes_;
}

size_t Writer::reserve_int32() {
  size_t pos = buf_.size();
  buf_.resize(pos + 4);
  return pos;
}

void Writer::patch_int32(size_t pos, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (size_t i = 0; i < 4; ++i)
    buf_[pos + i] = static_cast<uint8_t>(u >> (24 - 8 * i));
}

int64_t Writer::size() const {
  return static_cast<int64_t>(buf_.size()) + file_bytes_;
}

size_t uvarint_size(uint32_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace gregor::wire
