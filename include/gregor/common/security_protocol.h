// How a listener protects and authenticates its bytes, shared by the config and net modules.
// Only kPlaintext is served today; the other values let TLS and SASL attach per listener.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gregor {

enum class SecurityProtocol : int8_t { kPlaintext, kSsl, kSaslPlaintext, kSaslSsl };

// "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL".
std::string_view security_protocol_name(SecurityProtocol protocol);

// Case-insensitive, as Kafka upper-cases protocol map values before looking them up.
std::optional<SecurityProtocol> parse_security_protocol(std::string_view name);

}  // namespace gregor
