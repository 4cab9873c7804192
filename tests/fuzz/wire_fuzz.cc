// libFuzzer target for the generated protocol decoders. The first two bytes pick an API and
// a version; the rest is decoded as that API's request header and body, then as its
// response. Decoders must never crash, hang or read out of bounds, whatever the bytes; a
// message that decodes must re-encode, decode again and re-encode to the same bytes.
#include <cstddef>
#include <cstdint>

#include "gregor/wire/gen/apis.h"
#include "gregor/wire/gen/headers.h"

namespace {

using gregor::wire::Reader;
using gregor::wire::Writer;

template <class Message>
void decode_and_check(const uint8_t* data, size_t size, int16_t version) {
  Reader r(data, size);
  Message m;
  m.decode(r, version);
  if (!r.ok()) return;
  // Compared as bytes rather than with operator==: a float64 field may hold NaN, which never
  // equals itself although it round-trips exactly.
  Writer w;
  m.encode(w, version);
  Reader again(w.buffer());
  Message m2;
  m2.decode(again, version);
  Writer w2;
  m2.encode(w2, version);
  if (!again.ok() || again.remaining() != 0 || w.buffer() != w2.buffer()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto& api = gregor::wire::kApis[data[0] % gregor::wire::kApiCount];
  const int span = api.max_version - api.min_version + 1;
  const auto version = static_cast<int16_t>(api.min_version + data[1] % span);
  data += 2;
  size -= 2;

  Reader header_reader(data, size);
  gregor::wire::RequestHeader header;
  header.decode(header_reader, api.request_header_version(version));

  switch (api.key) {
#define GREGOR_FUZZ_API(Name, key)                                       \
  case key:                                                              \
    decode_and_check<gregor::wire::Name##Request>(data, size, version);  \
    decode_and_check<gregor::wire::Name##Response>(data, size, version); \
    break;
    GREGOR_WIRE_FOR_EACH_API(GREGOR_FUZZ_API)
#undef GREGOR_FUZZ_API
    default:
      break;
  }
  return 0;
}
