// Parsing of an HTTP/1.1 request head, kept apart from the socket code so it can be tested on
// its own. Only what the admin server needs: the request line; header lines are skipped.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "gregor/common/result.h"
#include "gregor/net/http_server.h"

namespace gregor::net {

// Parses the head at the start of `buffered` once it is complete (ends with an empty line).
// Returns nothing while more bytes are needed, the request when complete, or the HTTP status
// to answer with: 400 (malformed), 431 (head longer than `max_head_bytes`), 505 (not HTTP/1.x).
Result<std::optional<HttpRequest>, int> parse_request_head(std::string_view buffered,
                                                           size_t max_head_bytes);

// The standard reason phrase of a status code, e.g. "Not Found".
std::string_view http_reason_phrase(int status);

}  // namespace gregor::net
