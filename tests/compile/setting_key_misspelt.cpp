// Must NOT compile: no setting is called "usr".
#include "config/settings.hpp"

int use(const breakglass::config::Settings& settings) {
    return static_cast<int>(settings.text("usr").size());
}
