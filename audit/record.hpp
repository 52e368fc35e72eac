#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::audit {

/// The record format's version (`v`); a reader refuses records of another version.
inline constexpr int k_record_version = 1;

/// `prev` of a log's very first record: 64 zeros (no record before it).
inline constexpr std::string_view k_genesis_prev =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// Lowercase hex of SHA-256 over `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

/// The one serialisation every record is written and hashed in: nlohmann's compact dump (no
/// whitespace, object keys in byte order, UTF-8 kept, invalid UTF-8 replaced by U+FFFD), so
/// that parsing a line and dumping it again gives the same bytes.
std::string canonical_text(const nlohmann::json& value);

/// A record's `hash`: SHA-256 hex over canonical_text of the record without its "hash" member
/// (so it covers v, seq, ts, run_id, type, prev and every other field).
std::string record_hash(const nlohmann::json& record);

/// Completes `record` (an object with its own fields, e.g. type and run_id) into the line that
/// is appended: adds v, seq, ts, prev, then hash; returns canonical_text without the newline.
/// `ts` is UTC RFC 3339 with milliseconds ("2026-12-06T15:04:05.123Z").
std::string seal_record(nlohmann::json record, std::uint64_t seq, std::string_view prev,
                        std::string_view ts);

/// `object[key]` when `object` is an object and that member a string, else "" (never throws:
/// records are read from files anyone with the file could have written).
std::string text_field(const nlohmann::json& object, std::string_view key);

/// `object[key]` when `object` is an object and that member a non-negative integer, else
/// nullopt.
std::optional<std::uint64_t> count_field(const nlohmann::json& object, std::string_view key);

/// The current UTC time as a record's `ts`.
std::string now_timestamp();

/// The chain head after a line: SHA-256 hex over the line's bytes without its newline. The next
/// record's `prev` is this value; checkpoints name it.
inline std::string line_head(std::string_view line) {
    return sha256_hex(line);
}

} // namespace breakglass::audit
