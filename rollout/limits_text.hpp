#pragma once

#include "rollout/input_error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::rollout {

// The text forms of the rollout limits. One grammar for every source (flag, environment, config
// file, signed playbook), so a value means the same wherever it is written:
//   count    = "0" | [1-9][0-9]*            (no sign, no spaces, no leading zeros)
//   percent  = count "%"
//   waves    = percent ("," percent)*      each 1..100, strictly increasing, the last 100%
//   failures = count | percent             percent 0..100

/// The most nodes a canary may name: far above any fleet, low enough that no arithmetic on it
/// can overflow.
inline constexpr std::uint64_t k_max_count = 10'000'000;

/// Cumulative percentages of the selected nodes, canary included ("5%,25%,100%").
struct WaveSchedule {
    std::vector<unsigned> percents; // strictly increasing, each 1..100, last 100
    friend bool operator==(const WaveSchedule&, const WaveSchedule&) = default;
};

/// The default schedule: 5%, 25%, 100%.
WaveSchedule default_wave_schedule();

/// How many failures the whole run tolerates: a number of nodes, or a share of the selected ones.
struct FailureLimit {
    enum class Kind { count, percent };
    Kind kind = Kind::percent;
    std::uint64_t value = 10; // nodes, or percent 0..100
    friend bool operator==(const FailureLimit&, const FailureLimit&) = default;
};

/// The default limit: 10% of the selected nodes.
inline constexpr FailureLimit k_default_failure_limit{FailureLimit::Kind::percent, 10};

/// The default canary: one node.
inline constexpr std::uint64_t k_default_canary = 1;

/// `--canary N`: 0 (no canary stage) to k_max_count nodes.
tl::expected<std::uint64_t, InputError> parse_canary(std::string_view text);

/// `--waves 5%,25%,100%`: see the grammar above. Fails naming the element at fault.
tl::expected<WaveSchedule, InputError> parse_waves(std::string_view text);

/// `--max-failures N|P%`: N 0..k_max_count, P 0..100.
tl::expected<FailureLimit, InputError> parse_max_failures(std::string_view text);

/// `--seed N`: a decimal number 0..18446744073709551615, no leading zeros.
tl::expected<std::uint64_t, InputError> parse_seed(std::string_view text);

/// The text parse_waves() accepts for `schedule` ("5%,25%,100%").
std::string to_text(const WaveSchedule& schedule);

/// The text parse_max_failures() accepts for `limit` ("3", "10%").
std::string to_text(const FailureLimit& limit);

} // namespace breakglass::rollout
