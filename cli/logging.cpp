#include "cli/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace breakglass::cli {

void init_logging(int verbosity) {
    auto logger = spdlog::stderr_color_mt("breakglass");
    logger->set_pattern("breakglass: %^%l%$: %v");
    spdlog::level::level_enum level = spdlog::level::warn;
    if (verbosity < 0) {
        level = spdlog::level::err;
    } else if (verbosity == 1) {
        level = spdlog::level::info;
    } else if (verbosity >= 2) {
        level = spdlog::level::debug;
    }
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

} // namespace breakglass::cli
