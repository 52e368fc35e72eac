#pragma once

#include "inventory/inventory.hpp"

#include <chrono>
#include <string>

namespace breakglass::inventory {

/// How old the inventory is and what that means for a run.
struct Staleness {
    enum class Level { fresh, warn, refuse };
    std::chrono::seconds age{0}; // negative when captured_at lies in the future (clock skew)
    Level level = Level::fresh;
};

/// Age from captured_at to `now`: `warn` past warn_after, `refuse` past refuse_after (a zero
/// limit disables that check). A future captured_at counts as fresh.
Staleness assess_staleness(TimePoint captured_at, std::chrono::system_clock::time_point now,
                           std::chrono::milliseconds warn_after,
                           std::chrono::milliseconds refuse_after);

/// A short human age: "45s", "3h12m", "2d4h", "in the future".
std::string describe_age(std::chrono::seconds age);

} // namespace breakglass::inventory
