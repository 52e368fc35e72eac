#include "containment/actions.hpp"
#include "containment/caveats.hpp"
#include "containment/failure_reason.hpp"
#include "containment/node_report.hpp"

#include <gtest/gtest.h>

namespace breakglass::containment {
namespace {

// What daemonset-isolate prints for a pod whose agent holds CAP_NET_RAW and whose shipper's
// capabilities could not be read (playbooks/lib/pod_isolation.sh).
const char* const k_isolated = "matched 1\n"
                               "sandbox u1 telemetry-agent-abcde s1 running 100\n"
                               "container u1 agent c1 running 101\n"
                               "container u1 log-shipper c2 running 102\n"
                               "change sandbox s1 open isolated\n"
                               "caveat isolation-not-guaranteed telemetry-agent-abcde agent "
                               "CAP_NET_ADMIN,CAP_NET_RAW\n"
                               "caveat isolation-not-guaranteed telemetry-agent-abcde log-shipper "
                               "capabilities-unreadable\n";

TEST(Caveats, ReadFromTheReportAndTheNodeStillEndsContained) {
    auto report = parse_node_report({k_isolated, "matched 0\nremaining 0\n"});
    ASSERT_TRUE(report) << report.error();
    ASSERT_EQ(report->caveats.size(), 2U);
    const Caveat& agent = report->caveats[0];
    EXPECT_EQ(agent.kind, "isolation-not-guaranteed");
    EXPECT_EQ(agent.pod, "telemetry-agent-abcde");
    EXPECT_EQ(agent.container, "agent");
    EXPECT_EQ(agent.why, (std::vector<std::string>{"CAP_NET_ADMIN", "CAP_NET_RAW"}));
    EXPECT_EQ(caveat_kinds(*report), std::vector<std::string>{"isolation-not-guaranteed"});
    // Not a failure: the node is contained like any other.
    EXPECT_EQ(outcome_of(true, *report), ActionOutcome::changed);
    EXPECT_EQ(outcome_word(*find_action("isolate"), outcome_of(true, *report)), "contained");
    EXPECT_TRUE(caveat_kinds(*parse_node_report({"change sandbox s1 open isolated\n"})).empty());
}

TEST(Caveats, DescribedForHumansByWhatTheCapabilityAllows) {
    const std::string raw =
        describe({"isolation-not-guaranteed", "telemetry-agent-abcde", "agent", {"CAP_NET_RAW"}});
    EXPECT_EQ(raw.rfind("isolation-not-guaranteed: container agent of pod telemetry-agent-abcde "
                        "holds CAP_NET_RAW (",
                        0),
              0U)
        << raw;
    EXPECT_NE(raw.find("iptables never sees"), std::string::npos) << raw;
    const std::string admin = describe({"isolation-not-guaranteed", "p", "c", {"CAP_NET_ADMIN"}});
    EXPECT_NE(admin.find("holds CAP_NET_ADMIN (can rewrite or remove the isolation rules)"),
              std::string::npos)
        << admin;
    const std::string unknown =
        describe({"isolation-not-guaranteed", "p", "c", {"capabilities-unreadable"}});
    EXPECT_NE(unknown.find("cannot be ruled out"), std::string::npos) << unknown;
}

TEST(Caveats, AMalformedCaveatLineIsRefused) {
    for (const char* bad : {"caveat isolation-not-guaranteed pod agent\n",
                            "caveat isolation-not-guaranteed pod agent CAP_NET_RAW extra\n"}) {
        EXPECT_FALSE(parse_node_report({bad})) << bad;
    }
}

TEST(Caveats, UnreadableRulesHaveTheirOwnReason) {
    EXPECT_EQ(failure_reason(10), FailureReason::rules_unreadable);
}

} // namespace
} // namespace breakglass::containment
