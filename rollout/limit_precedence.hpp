#pragma once

#include "rollout/limits_text.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::rollout {

// Who may loosen what. The signed playbook's `rollout` block (else the built-in default) is the
// baseline of each limit. An unsigned config file or environment variable may only tighten it:
// fewer sessions or channels in flight, a lower connection rate, a smaller canary, waves that
// are never further along than the baseline's, a smaller failure budget, a longer pause. One that
// would loosen it is refused (never clamped: a clamp would silently run with a value nobody
// wrote, and the responder must learn that the config is wrong). A flag may loosen (the
// responder is at the terminal); the result records it so the run header can say so.
//
// Precedence is otherwise the usual one: flag > environment > config file > baseline. The
// environment may loosen what the config file tightened, as long as it stays within the
// baseline: the config file is not the trust anchor, the signature is. When a flag sets a limit,
// the config file and environment values of that limit are not judged at all: they do not take
// effect, and an incident is no time to make a responder fix a config file first.

/// Where a limit's value came from, lowest rank first (the ranks of config::Source).
enum class Origin { built_in, playbook, config_file, environment, flag };

/// "default", "playbook", "config file", "environment", "flag".
std::string_view to_string(Origin origin);

/// A value and where it came from. `where` names the place for messages: "--parallel",
/// "BREAKGLASS_PARALLEL", "/etc/breakglass/config.json:3:5", "playbook daemonset-freeze".
template <typename T> struct Sourced {
    T value{};
    Origin origin = Origin::built_in;
    std::string where;
};

/// Every source's own value of one limit (not the winner of a precedence: each must be judged).
template <typename T> struct LimitInputs {
    Sourced<T> baseline; // the signed playbook's value, else the built-in default
    std::optional<Sourced<T>> config_file;
    std::optional<Sourced<T>> environment;
    std::optional<Sourced<T>> flag;
};

/// The value in force, and whether a flag loosened it beyond the baseline.
template <typename T> struct ResolvedLimit {
    Sourced<T> effective;
    Sourced<T> baseline;
    bool loosened = false;
};

/// The built-in pause between waves: none. The budget, not the clock, stops a bad rollout; a
/// pause only helps someone watching, who can ask for one.
inline constexpr std::chrono::milliseconds k_default_pause{0};

/// The limits a rollout is bound by. parallel and jump_parallel are 1 or more; rate 0 means
/// unlimited (so it is the loosest rate).
struct RolloutLimitInputs {
    LimitInputs<std::int64_t> parallel;      // sessions in flight
    LimitInputs<std::int64_t> jump_parallel; // channels in flight per bastion
    LimitInputs<std::int64_t> rate;          // new connections per second
    LimitInputs<std::uint64_t> canary;
    LimitInputs<WaveSchedule> waves;
    LimitInputs<FailureLimit> max_failures;
    LimitInputs<std::chrono::milliseconds> pause;
};

struct RolloutLimits {
    ResolvedLimit<std::int64_t> parallel;
    ResolvedLimit<std::int64_t> jump_parallel;
    ResolvedLimit<std::int64_t> rate;
    ResolvedLimit<std::uint64_t> canary;
    ResolvedLimit<WaveSchedule> waves;
    ResolvedLimit<FailureLimit> max_failures;
    ResolvedLimit<std::chrono::milliseconds> pause;
};

/// A config file or environment value that would loosen a baseline. `limit` is the setting's
/// key ("max_failures"); the message is one line naming the value, where it was set, the
/// baseline it would loosen and the flag that may.
struct LoosenRefusal {
    std::string limit;
    Origin origin = Origin::config_file;
    std::string message;
};

/// Applies the rules above. `selected` is the number of selected nodes: a failure budget given
/// as a count and one given as a percentage are compared by the failures each allows on this
/// run. The first refusal (in the order of the struct's fields, config file before environment)
/// is returned.
tl::expected<RolloutLimits, LoosenRefusal> resolve_limits(const RolloutLimitInputs& inputs,
                                                          std::size_t selected);

/// One line per limit a flag loosened, for the run header, e.g.
/// "--parallel 128 loosens the playbook's 64 (playbook daemonset-freeze)". Empty when none did.
std::vector<std::string> loosening_notes(const RolloutLimits& limits);

/// A pause as the settings write it: "30s", or "1500ms" when not whole seconds.
std::string to_text(std::chrono::milliseconds pause);

} // namespace breakglass::rollout
