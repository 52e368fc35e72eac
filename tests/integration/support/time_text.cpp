#include "tests/integration/support/time_text.hpp"

#include <ctime>

namespace breakglass::testing {

std::string rfc3339(std::chrono::system_clock::duration from_now) {
    const std::time_t time =
        std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
    std::tm utc{};
    ::gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace breakglass::testing
