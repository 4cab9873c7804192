// The primitive encoders and decoders that generated message code is built from.
//
// Reader treats its input as hostile: every length and count is checked against the bytes
// that remain before anything is allocated, and the first problem puts the reader into a
// failed state (later reads return zero values and do nothing), so generated code can read
// a whole message and check ok() once at the end. Nothing here throws or asserts on input.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gregor::wire {

using Bytes = std::vector<uint8_t>;

// A 128-bit UUID as Kafka sends it (topic ids): 16 bytes, big-endian halves.
struct Uuid {
  uint8_t bytes[16] = {};
  bool is_zero() const;
  bool operator==(const Uuid&) const = default;
  // Kafka's text form: URL-safe base64 without padding (22 characters).
  std::string to_base64() const;
  static std::optional<Uuid> from_base64(std::string_view text);
  static Uuid random();
};

// A byte range of an open file, sent with sendfile() instead of being copied through memory.
// keep_alive holds whatever owns the descriptor (a log segment) until the bytes are sent.
struct FileSlice {
  int fd = -1;
  int64_t offset = 0;
  int64_t length = 0;
  std::shared_ptr<const void> keep_alive;
  bool operator==(const FileSlice& o) const {
    return fd == o.fd && offset == o.offset && length == o.length;
  }
};

// The value of a `records` field: null, bytes in memory, or file slices.
//
// Decoded records are a view into the frame they were read from, so the frame must outlive
// them. Records built for a response either point at memory the caller keeps alive (owned
// can hold it) or list file slices.
class Records {
 public:
  Records() = default;
  static Records view(std::span<const uint8_t> bytes);
  static Records copy_of(std::span<const uint8_t> bytes);
  static Records from_files(std::vector<FileSlice> slices);

  bool is_null() const { return null_; }
  bool has_files() const { return !files_.empty(); }
  std::span<const uint8_t> bytes() const { return bytes_; }
  const std::vector<FileSlice>& files() const { return files_; }
  // Total size on the wire, whether in memory or in files.
  int64_t size() const;

  // Null records compare equal; otherwise the bytes (or file slices) are compared.
  bool operator==(const Records& o) const;

 private:
  bool null_ = true;
  std::span<const uint8_t> bytes_;
  std::shared_ptr<const Bytes> owned_;
  std::vector<FileSlice> files_;
};

class Reader {
 public:
  Reader() = default;
  Reader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}
  explicit Reader(std::span<const uint8_t> s) : Reader(s.data(), s.size()) {}

  bool ok() const { return error_ == nullptr; }
  // A short description of the first failure, or nullptr.
  const char* error() const { return error_; }
  size_t position() const { return static_cast<size_t>(p_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  void fail(const char* why);

  int8_t read_int8();
  int16_t read_int16();
  uint16_t read_uint16();
  int32_t read_int32();
  uint32_t read_uint32();
  int64_t read_int64();
  double read_float64();
  bool read_bool();
  Uuid read_uuid();
  uint32_t read_uvarint();
  int32_t read_varint();
  int64_t read_varlong();

  // A length-prefixed string; flexible versions use the compact (uvarint length + 1) form.
  std::string read_string(bool flexible);
  std::optional<std::string> read_nullable_string(bool flexible);
  Bytes read_bytes(bool flexible);
  std::optional<Bytes> read_nullable_bytes(bool flexible);
  Records read_records(bool flexible);

  // An array length: -1 means null. The count is checked against the remaining bytes using
  // the smallest possible element size, so a hostile count cannot make us allocate.
  int32_t read_array_length(bool flexible, size_t min_element_size);

  // A sub-reader over the next n bytes (a tagged field's body); this reader skips them.
  Reader take(size_t n);
  void skip(size_t n);
  // Skips the tagged-field section of a flexible struct, ignoring every tag.
  void skip_tagged_fields();

 private:
  const uint8_t* need(size_t n);
  int32_t read_length(bool flexible, bool nullable_ok, bool int16_length);

  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  const uint8_t* begin_ = nullptr;
  const char* error_ = nullptr;
};

// Where file slices sit among the bytes a Writer produced: after `position` bytes of buf.
struct FileMark {
  size_t position;
  FileSlice slice;
};

class Writer {
 public:
  void write_int8(int8_t v) { buf_.push_back(static_cast<uint8_t>(v)); }
  void write_int16(int16_t v);
  void write_uint16(uint16_t v);
  void write_int32(int32_t v);
  void write_uint32(uint32_t v);
  void write_int64(int64_t v);
  void write_float64(double v);
  void write_bool(bool v) { buf_.push_back(v ? 1 : 0); }
  void write_uuid(const Uuid& v);
  void write_uvarint(uint32_t v);
  void write_varint(int32_t v);
  void write_varlong(int64_t v);

  void write_string(std::string_view s, bool flexible);
  void write_nullable_string(const std::optional<std::string>& s, bool flexible);
  void write_bytes(std::span<const uint8_t> b, bool flexible);
  void write_nullable_bytes(const std::optional<Bytes>& b, bool flexible);
  void write_records(const Records& r, bool flexible);
  void write_array_length(size_t n, bool flexible);
  void write_null_array(bool flexible);
  void write_raw(std::span<const uint8_t> b) { buf_.insert(buf_.end(), b.begin(), b.end()); }

  // Appends another writer's output (a tagged field body), file slices included.
  void append(Writer&& other);

  // Reserves 4 bytes for a big-endian int32 filled in later (a frame size).
  size_t reserve_int32();
  void patch_int32(size_t pos, int32_t v);

  // In-memory bytes, and the file slices interleaved with them.
  const Bytes& buffer() const { return buf_; }
  Bytes& buffer() { return buf_; }
  const std::vector<FileMark>& files() const { return files_; }
  // Size on the wire: memory plus file slices.
  int64_t size() const;

 private:
  Bytes buf_;
  std::vector<FileMark> files_;
  int64_t file_bytes_ = 0;
};

// Number of bytes write_uvarint would produce.
size_t uvarint_size(uint32_t v);

}  // namespace gregor::wire
