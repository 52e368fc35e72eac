#include "drill/limits.hpp"

#include "config/units.hpp"

#include <algorithm>
#include <optional>

namespace breakglass::drill {

namespace {

constexpr std::array<LimitOption, 7> k_options{{
    {"--min-reachable", "99%", "share of sampled nodes reached (connect, host key, auth, become)"},
    {"--min-ready", "99%", "share of sampled nodes whose containment path is ready"},
    {"--max-inventory-age", "24h", "oldest inventory that meets the objective"},
    {"--max-p99", "2s", "p99 of whole-node time"},
    {"--min-pinned", "100%", "share of selected nodes with a pinned host key"},
    {"--min-playbook-validity", "7d",
     "how long every playbook and the inventory's signer must stay valid"},
    {"--warn-expiry", "14d", "warn about playbooks and signers expiring within this"},
}};

// Reads one limit after another and keeps the first error.
class LimitReader {
public:
    explicit LimitReader(const LimitTexts& texts) : m_texts(texts) {}

    void share(std::string_view flag, double& out) {
        read(flag, out, [](std::string_view text) { return parse_share(text); });
    }

    template <typename Duration> void duration(std::string_view flag, Duration& out) {
        read(flag, out, [](std::string_view text) {
            return config::parse_duration(text).map([](std::chrono::milliseconds value) {
                return std::chrono::duration_cast<Duration>(value);
            });
        });
    }

    const std::optional<std::string>& error() const { return m_error; }

private:
    template <typename Value, typename Parse>
    void read(std::string_view flag, Value& out, Parse parse) {
        if (m_error) {
            return;
        }
        const auto given = m_texts.find(flag);
        std::string_view text = given == m_texts.end() ? default_of(flag) : given->second;
        auto parsed = parse(text);
        if (!parsed) {
            m_error = std::string(flag) + ": " + parsed.error();
            return;
        }
        out = *parsed;
    }

    static std::string_view default_of(std::string_view flag) {
        const auto* option = std::find_if(k_options.begin(), k_options.end(),
                                          [&](const LimitOption& o) { return o.flag == flag; });
        return option->default_text;
    }

    const LimitTexts& m_texts;
    std::optional<std::string> m_error;
};

} // namespace

const std::array<LimitOption, 7>& limit_options() {
    return k_options;
}

tl::expected<DrillLimits, std::string> parse_limits(const LimitTexts& texts) {
    // Not a structured binding: clang before 16 (clang-tidy here) cannot capture one.
    for (const auto& given : texts) {
        const auto& flag = given.first;
        if (std::none_of(k_options.begin(), k_options.end(),
                         [&](const LimitOption& option) { return option.flag == flag; })) {
            return tl::unexpected("'" + flag + "' is not a drill limit");
        }
    }
    DrillLimits limits;
    LimitReader reader(texts);
    // The order the errors come in: shares first, as the drill has always read them.
    reader.share("--min-reachable", limits.slo.min_reachable);
    reader.share("--min-ready", limits.slo.min_ready);
    reader.share("--min-pinned", limits.slo.min_pinned);
    reader.duration("--max-inventory-age", limits.slo.max_inventory_age);
    reader.duration("--max-p99", limits.slo.max_p99);
    reader.duration("--min-playbook-validity", limits.slo.min_playbook_validity);
    reader.duration("--warn-expiry", limits.warn_expiry);
    if (reader.error()) {
        return tl::unexpected(*reader.error());
    }
    return limits;
}

} // namespace breakglass::drill
