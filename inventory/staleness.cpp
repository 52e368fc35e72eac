#include "inventory/staleness.hpp"

namespace breakglass::inventory {

Staleness assess_staleness(TimePoint captured_at, std::chrono::system_clock::time_point now,
                           std::chrono::milliseconds warn_after,
                           std::chrono::milliseconds refuse_after) {
    Staleness staleness;
    staleness.age = std::chrono::floor<std::chrono::seconds>(now) - captured_at;
    if (refuse_after.count() > 0 && staleness.age > refuse_after) {
        staleness.level = Staleness::Level::refuse;
    } else if (warn_after.count() > 0 && staleness.age > warn_after) {
        staleness.level = Staleness::Level::warn;
    }
    return staleness;
}

std::string describe_age(std::chrono::seconds age) {
    using namespace std::chrono;
    if (age.count() < 0) {
        return "in the future";
    }
    const auto d = duration_cast<days>(age);
    const auto h = duration_cast<hours>(age - d);
    const auto m = duration_cast<minutes>(age - d - h);
    if (d.count() > 0) {
        return std::to_string(d.count()) + "d" +
               (h.count() > 0 ? std::to_string(h.count()) + "h" : "");
    }
    if (h.count() > 0) {
        return std::to_string(h.count()) + "h" +
               (m.count() > 0 ? std::to_string(m.count()) + "m" : "");
    }
    if (m.count() > 0) {
        return std::to_string(m.count()) + "m";
    }
    return std::to_string(age.count()) + "s";
}

} // namespace breakglass::inventory
