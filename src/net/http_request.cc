#include "http_request.h"

#include <algorithm>

namespace gregor::net {
namespace {

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

bool is_visible(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

Result<std::optional<HttpRequest>, int> parse_request_head(std::string_view buffered,
                                                           size_t max_head_bytes) {
  const size_t head_end = buffered.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (buffered.size() > max_head_bytes) return unexpected(431);
    return std::optional<HttpRequest>{};
  }
  if (head_end + 4 > max_head_bytes) return unexpected(431);

  const std::string_view line = buffered.substr(0, buffered.find("\r\n"));
  const size_t first_space = line.find(' ');
  const size_t second_space =
      first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos) return unexpected(400);
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = line.substr(second_space + 1);
  if (!is_token(method) || target.empty() || target.front() != '/' || !is_visible(target)) {
    return unexpected(400);
  }
  if (version.substr(0, 7) != "HTTP/1." || version.size() != 8) return unexpected(505);

  HttpRequest request;
  request.method = method;
  request.target = target;
  const size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string_view::npos) request.query = target.substr(question + 1);
  return std::optional<HttpRequest>{std::move(request)};
}

std::string_view http_reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace gregor::net
