#pragma once

#include "drill/slo.hpp"

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::drill {

/// One of the drill's limits as its command line spells it: the flag, its documented default
/// (man page, --help) and its help line.
struct LimitOption {
    std::string_view flag;
    std::string_view default_text;
    std::string_view help;
};

/// Every limit, in --help order: the objectives' thresholds (--min-reachable 99%,
/// --min-ready 99%, --max-inventory-age 24h, --max-p99 2s, --min-pinned 100%,
/// --min-playbook-validity 7d), then --warn-expiry 14d.
const std::array<LimitOption, 7>& limit_options();

/// What the limits say: the objectives' thresholds and how early an expiry is warned about.
struct DrillLimits {
    SloThresholds slo;
    std::chrono::seconds warn_expiry{14 * 86400};
};

/// Limit texts by flag ("--min-ready" -> "99.5%"); a flag not in the map takes its default.
using LimitTexts = std::map<std::string, std::string, std::less<>>;

/// Reads every limit: shares as parse_share, durations as config::parse_duration (the
/// validity, age and warning limits in whole seconds). The error is one line naming the first
/// flag at fault and quoting its text; a key that names no limit is an error too.
tl::expected<DrillLimits, std::string> parse_limits(const LimitTexts& texts);

} // namespace breakglass::drill
