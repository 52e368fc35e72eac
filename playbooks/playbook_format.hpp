#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// The only apiVersion and kind this build reads.
inline constexpr std::string_view k_playbook_api_version = "breakglass/v1";
inline constexpr std::string_view k_playbook_kind = "Playbook";

/// One declared parameter; its value reaches scripts only as the shell variable of its name.
struct ParamSpec {
    std::string name;
    std::string pattern; // ECMAScript, matched against the whole value
    std::string description;
    bool required = false;
    std::optional<std::string> default_value;
};

/// One step: a POSIX sh script run under `sh -eu`, with or without the become command.
struct PlaybookStep {
    std::string name;
    std::string run;
    std::optional<std::chrono::milliseconds> timeout; // unset: the run's timeout setting
    bool mutates = false;
    bool become = false;
};

/// The final check whose outcome decides a node's status.
struct VerifyStep {
    std::string run;
    std::optional<std::chrono::milliseconds> timeout;
    bool become = false;
};

/// A parsed, schema-valid playbook. Nothing here is trusted until its signature verified.
struct Playbook {
    std::string name;
    std::int64_t version = 0;
    std::string description;
    std::chrono::sys_seconds issued_at;
    std::chrono::sys_seconds expires;
    std::vector<std::string> clusters;
    std::vector<ParamSpec> params; // sorted by name
    std::vector<PlaybookStep> steps;
    std::optional<VerifyStep> verify;
    nlohmann::json rollout = nlohmann::json::object(); // only keys of k_rollout_keys
};

/// The rollout keys a playbook may set as defaults (each is also a run setting).
inline constexpr std::string_view k_rollout_keys[] = {
    "parallel",      "rate",   "connect_timeout", "handshake_timeout", "timeout", "deadline",
    "jump_parallel", "canary", "waves",           "max_failures",      "pause"};

/// Parses playbook JSON strictly: unknown or missing fields, wrong types, a metadata.version
/// below 1, bad RFC 3339 times, an empty scope, invalid parameter names or patterns, and any
/// "{{" in the text are errors. The error is one line naming the field.
tl::expected<Playbook, std::string> parse_playbook(std::string_view text);

} // namespace breakglass::playbooks
