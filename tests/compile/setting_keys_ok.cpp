// Compiles: keys that exist, each read through the accessor of its type.
#include "config/settings.hpp"

int use(const breakglass::config::Settings& settings) {
    return static_cast<int>(settings.text("user").size() + settings.integer("parallel") +
                            settings.duration("timeout").count() + settings.size("max_output") +
                            settings.list("identity").size());
}
