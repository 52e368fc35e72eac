#include "cli/logging.hpp"

#include "base/terminal_escape.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace breakglass::cli {

namespace {

// The %* flag: the message, escaped for the terminal, since log lines may quote node text.
class EscapedMessage final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& message, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        const std::string escaped = base::escape_terminal_line(
            std::string_view(message.payload.data(), message.payload.size()));
        dest.append(escaped.data(), escaped.data() + escaped.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<EscapedMessage>();
    }
};

} // namespace

void init_logging(int verbosity) {
    auto logger = spdlog::stderr_color_mt("breakglass");
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<EscapedMessage>('*').set_pattern("breakglass: %^%l%$: %*");
    logger->set_formatter(std::move(formatter));
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
