// The drill's limits: the documented defaults are the objectives' own, each flag reads its
// field, and a bad text is refused naming its flag.
#include "drill/limits.hpp"

#include <gtest/gtest.h>

using namespace breakglass::drill;
using namespace std::chrono_literals;

TEST(DrillLimits, TheDocumentedDefaultsAreTheObjectivesDefaults) {
    auto limits = parse_limits({});
    ASSERT_TRUE(limits) << limits.error();
    const SloThresholds defaults;
    EXPECT_EQ(limits->slo.min_reachable, defaults.min_reachable);
    EXPECT_EQ(limits->slo.min_ready, defaults.min_ready);
    EXPECT_EQ(limits->slo.max_inventory_age, defaults.max_inventory_age);
    EXPECT_EQ(limits->slo.max_p99, defaults.max_p99);
    EXPECT_EQ(limits->slo.min_pinned, defaults.min_pinned);
    EXPECT_EQ(limits->slo.min_playbook_validity, defaults.min_playbook_validity);
    EXPECT_EQ(limits->warn_expiry, 14 * 24h);
    // The same when every default is given as text (what the command line holds).
    LimitTexts texts;
    for (const LimitOption& option : limit_options()) {
        texts[std::string(option.flag)] = std::string(option.default_text);
    }
    auto spelt = parse_limits(texts);
    ASSERT_TRUE(spelt) << spelt.error();
    EXPECT_EQ(spelt->slo.max_p99, defaults.max_p99);
    EXPECT_EQ(spelt->warn_expiry, limits->warn_expiry);
}

TEST(DrillLimits, EachFlagSetsItsOwnLimit) {
    auto limits = parse_limits({{"--min-reachable", "95%"},
                                {"--min-ready", "90.5%"},
                                {"--max-inventory-age", "2h"},
                                {"--max-p99", "1500ms"},
                                {"--min-pinned", "50%"},
                                {"--min-playbook-validity", "3d"},
                                {"--warn-expiry", "1h30m"}});
    ASSERT_TRUE(limits) << limits.error();
    EXPECT_DOUBLE_EQ(limits->slo.min_reachable, 0.95);
    EXPECT_DOUBLE_EQ(limits->slo.min_ready, 0.905);
    EXPECT_EQ(limits->slo.max_inventory_age, 2h);
    EXPECT_EQ(limits->slo.max_p99, 1500ms);
    EXPECT_DOUBLE_EQ(limits->slo.min_pinned, 0.5);
    EXPECT_EQ(limits->slo.min_playbook_validity, 3 * 24h);
    EXPECT_EQ(limits->warn_expiry, 90min);
}

TEST(DrillLimits, ABadTextIsRefusedNamingItsFlag) {
    auto share = parse_limits({{"--min-ready", "101%"}});
    ASSERT_FALSE(share);
    EXPECT_EQ(share.error().rfind("--min-ready: '101%'", 0), 0U) << share.error();
    auto duration = parse_limits({{"--max-p99", "soon"}});
    ASSERT_FALSE(duration);
    EXPECT_EQ(duration.error().rfind("--max-p99: ", 0), 0U) << duration.error();
    // Two bad: the shares are read first, as the command always has.
    auto both = parse_limits({{"--max-inventory-age", "x"}, {"--min-pinned", "y"}});
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().rfind("--min-pinned: ", 0), 0U) << both.error();
    auto unknown = parse_limits({{"--min-happiness", "100%"}});
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().find("--min-happiness"), std::string::npos) << unknown.error();
}
