#include "rollout/limit_precedence.hpp"

#include "base/terminal_escape.hpp"
#include "rollout/failure_budget.hpp"

#include <algorithm>
#include <optional>

namespace breakglass::rollout {

namespace {

// Whether `value` is no looser than `baseline`, one rule per limit.
bool fewer_or_equal(std::int64_t value, std::int64_t baseline) {
    return value <= baseline;
}

bool rate_no_looser(std::int64_t value, std::int64_t baseline) {
    if (baseline == 0) {
        return true; // unlimited: any rate is at least as tight
    }
    return value != 0 && value <= baseline;
}

// A smaller canary is tighter, but none at all (0) is the loosest; a one-node canary is never
// looser than none, as the first wave holds at least that one node anyway.
bool canary_no_looser(std::uint64_t value, std::uint64_t baseline) {
    return value == baseline || (value >= 1 && value <= std::max<std::uint64_t>(baseline, 1));
}

// Wave by wave never further along: the i-th cumulative percentage is at most the baseline's
// i-th (100% past its end). More, smaller waves are tighter; fewer, larger ones are not.
bool waves_no_looser(const WaveSchedule& value, const WaveSchedule& baseline) {
    for (std::size_t i = 0; i < value.percents.size(); ++i) {
        const unsigned limit = i < baseline.percents.size() ? baseline.percents[i] : 100;
        if (value.percents[i] > limit) {
            return false;
        }
    }
    return true;
}

bool longer_or_equal(std::chrono::milliseconds value, std::chrono::milliseconds baseline) {
    return value >= baseline;
}

std::string text_of(std::int64_t value) {
    return std::to_string(value);
}
std::string text_of(std::uint64_t value) {
    return std::to_string(value);
}
std::string text_of(const WaveSchedule& value) {
    return to_text(value);
}
std::string text_of(const FailureLimit& value) {
    return to_text(value);
}
std::string text_of(std::chrono::milliseconds value) {
    return to_text(value);
}

std::string flag_for(std::string_view key) {
    std::string flag = "--";
    for (char c : key) {
        flag += c == '_' ? '-' : c;
    }
    return flag;
}

template <typename T> std::string described(const Sourced<T>& source) {
    return base::escape_terminal_line(source.where.empty() ? std::string(to_string(source.origin))
                                                           : source.where);
}

template <typename T, typename Rule>
tl::expected<ResolvedLimit<T>, LoosenRefusal>
resolve_one(std::string_view key, const LimitInputs<T>& inputs, const Rule& no_looser) {
    ResolvedLimit<T> resolved{inputs.baseline, inputs.baseline, false};
    if (inputs.flag) {
        resolved.effective = *inputs.flag;
        resolved.loosened = !no_looser(inputs.flag->value, inputs.baseline.value);
        return resolved;
    }
    for (const auto* unsigned_source : {&inputs.config_file, &inputs.environment}) {
        if (!*unsigned_source) {
            continue;
        }
        const Sourced<T>& source = **unsigned_source;
        if (!no_looser(source.value, inputs.baseline.value)) {
            return tl::unexpected(LoosenRefusal{
                std::string(key), source.origin,
                described(source) + " sets " + std::string(key) + " " + text_of(source.value) +
                    ", looser than " + text_of(inputs.baseline.value) + " from " +
                    described(inputs.baseline) + ": " +
                    (source.origin == Origin::environment ? "an environment variable"
                                                          : "a config file") +
                    " may only tighten it; to loosen it for this run pass " + flag_for(key) + " " +
                    text_of(source.value)});
        }
        resolved.effective = source;
    }
    return resolved;
}

// resolve_one() into `out`, or its refusal into `refusal`; returns whether it was accepted.
template <typename T, typename Rule>
bool take(std::optional<LoosenRefusal>& refusal, ResolvedLimit<T>& out, std::string_view key,
          const LimitInputs<T>& inputs, const Rule& no_looser) {
    auto resolved = resolve_one<T>(key, inputs, no_looser);
    if (!resolved) {
        refusal = std::move(resolved.error());
        return false;
    }
    out = std::move(*resolved);
    return true;
}

template <typename T>
void note_loosening(std::vector<std::string>& notes, std::string_view key,
                    const ResolvedLimit<T>& limit) {
    if (limit.loosened) {
        notes.push_back(flag_for(key) + " " + text_of(limit.effective.value) + " loosens the " +
                        std::string(to_string(limit.baseline.origin)) + "'s " +
                        text_of(limit.baseline.value) + " (" + described(limit.baseline) + ")");
    }
}

} // namespace

std::string_view to_string(Origin origin) {
    switch (origin) {
    case Origin::built_in:
        return "default";
    case Origin::playbook:
        return "playbook";
    case Origin::config_file:
        return "config file";
    case Origin::environment:
        return "environment";
    case Origin::flag:
        return "flag";
    }
    return "default";
}

std::string to_text(std::chrono::milliseconds pause) {
    const auto count = pause.count();
    return count % 1000 == 0 ? std::to_string(count / 1000) + "s" : std::to_string(count) + "ms";
}

tl::expected<RolloutLimits, LoosenRefusal> resolve_limits(const RolloutLimitInputs& inputs,
                                                          std::size_t selected) {
    const auto budget_no_looser = [selected](const FailureLimit& value,
                                             const FailureLimit& baseline) {
        return allowed_failures(value, selected) <= allowed_failures(baseline, selected);
    };
    RolloutLimits limits;
    std::optional<LoosenRefusal> refusal;
    // Field by field; && stops at the first refusal.
    const bool accepted =
        take(refusal, limits.parallel, "parallel", inputs.parallel, fewer_or_equal) &&
        take(refusal, limits.jump_parallel, "jump_parallel", inputs.jump_parallel,
             fewer_or_equal) &&
        take(refusal, limits.rate, "rate", inputs.rate, rate_no_looser) &&
        take(refusal, limits.canary, "canary", inputs.canary, canary_no_looser) &&
        take(refusal, limits.waves, "waves", inputs.waves, waves_no_looser) &&
        take(refusal, limits.max_failures, "max_failures", inputs.max_failures, budget_no_looser) &&
        take(refusal, limits.pause, "pause", inputs.pause, longer_or_equal);
    if (!accepted) {
        return tl::unexpected(std::move(*refusal));
    }
    return limits;
}

std::vector<std::string> loosening_notes(const RolloutLimits& limits) {
    std::vector<std::string> notes;
    note_loosening(notes, "parallel", limits.parallel);
    note_loosening(notes, "jump_parallel", limits.jump_parallel);
    note_loosening(notes, "rate", limits.rate);
    note_loosening(notes, "canary", limits.canary);
    note_loosening(notes, "waves", limits.waves);
    note_loosening(notes, "max_failures", limits.max_failures);
    note_loosening(notes, "pause", limits.pause);
    return notes;
}

} // namespace breakglass::rollout
