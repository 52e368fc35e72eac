// Must NOT compile: "parallel" is an integer, not text.
#include "config/settings.hpp"

int use(const breakglass::config::Settings& settings) {
    return static_cast<int>(settings.text("parallel").size());
}
