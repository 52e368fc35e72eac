#include "containment/actions.hpp"
#include "containment/daemonset_ref.hpp"
#include "containment/failure_reason.hpp"
#include "containment/node_report.hpp"

#include <gtest/gtest.h>

namespace breakglass::containment {
namespace {

TEST(DaemonSetRef, ParsesNamespaceAndName) {
    auto ref = parse_daemonset_ref("kube-system/telemetry-agent");
    ASSERT_TRUE(ref) << ref.error();
    EXPECT_EQ(ref->name_space, "kube-system");
    EXPECT_EQ(ref->name, "telemetry-agent");
    EXPECT_EQ(ref->text(), "kube-system/telemetry-agent");
    EXPECT_TRUE(parse_daemonset_ref("a/b.c-d"));
}

TEST(DaemonSetRef, RefusesWhatIsNotAKubernetesName) {
    for (const char* bad : {"telemetry-agent", "/x", "x/", "Kube-System/x", "ns/x;reboot", "ns/-x",
                            "ns/x-", "ns/x..y", "-ns/x", "ns/x/y", "ns/$(id)"}) {
        auto ref = parse_daemonset_ref(bad);
        EXPECT_FALSE(ref) << bad;
        if (!ref) {
            EXPECT_EQ(ref.error().find('\n'), std::string::npos);
        }
    }
    EXPECT_FALSE(parse_daemonset_ref(std::string(64, 'a') + "/x"));
    EXPECT_TRUE(parse_daemonset_ref(std::string(63, 'a') + "/x"));
    EXPECT_FALSE(parse_daemonset_ref("ns/" + std::string(254, 'a')));
}

const char* const k_status = "sandbox u1 telemetry-agent-abcde s1 running 100\n"
                             "container u1 agent c1 running 101\n"
                             "container u1 log-shipper c2 paused 102\n";

TEST(NodeReport, ReadsASnapshotOfPodsAndContainers) {
    auto report = parse_node_report({k_status});
    ASSERT_TRUE(report) << report.error();
    ASSERT_EQ(report->pods.size(), 1U);
    EXPECT_EQ(report->pods[0].name, "telemetry-agent-abcde");
    EXPECT_EQ(report->pods[0].sandbox_pid, 100);
    ASSERT_EQ(report->pods[0].containers.size(), 2U);
    EXPECT_EQ(report->pods[0].containers[1].state, "paused");
    EXPECT_EQ(presence_of(*report), Presence::running);
    EXPECT_EQ(report->names.at("c2"), "log-shipper");
    EXPECT_EQ(report->names.at("s1"), "sandbox of telemetry-agent-abcde");
}

TEST(NodeReport, ALaterSnapshotReplacesAnEarlierOneEvenWhenEmpty) {
    const std::string action = std::string("matched 1\n") + k_status +
                               "change container c1 running stopped\n"
                               "change sandbox s1 running stopped\n"
                               "note SIGKILL to c1 after 2s grace\n";
    auto report = parse_node_report({action, "matched 0\nremaining 0\n"});
    ASSERT_TRUE(report) << report.error();
    EXPECT_TRUE(report->pods.empty());
    EXPECT_EQ(presence_of(*report), Presence::absent);
    ASSERT_EQ(report->changes.size(), 2U);
    EXPECT_EQ(report->changes[0].to, "stopped");
    EXPECT_EQ(report->names.at("c1"), "agent"); // named although gone from the last snapshot
    ASSERT_EQ(report->notes.size(), 1U);
    EXPECT_EQ(report->notes[0], "SIGKILL to c1 after 2s grace");
    EXPECT_EQ(report->remaining, 0);
    EXPECT_EQ(outcome_of(true, *report), ActionOutcome::changed);
}

TEST(NodeReport, AStepWithoutASnapshotKeepsTheEarlierOne) {
    auto report = parse_node_report({k_status, "remaining 1\n"});
    ASSERT_TRUE(report);
    EXPECT_EQ(report->pods.size(), 1U);
    EXPECT_EQ(report->remaining, 1);
}

TEST(NodeReport, IgnoresHumanLinesAndRefusesMalformedRecords) {
    EXPECT_TRUE(parse_node_report({"hello there\n\n  \n"}));
    for (const char* bad : {"sandbox u1 pod s1 running\n", "sandbox u1 pod s1 running x\n",
                            "container u1 agent c1 running 1\n", "change container c1 a\n",
                            "remaining -1\n", "matched many\n"}) {
        auto report = parse_node_report({bad});
        EXPECT_FALSE(report) << bad;
        if (!report) {
            EXPECT_NE(report.error().find("step 1 line 1"), std::string::npos) << report.error();
        }
    }
}

TEST(NodeReport, PresenceIsContainedWhenNoMatchedContainerRuns) {
    auto report = parse_node_report({"sandbox u1 p s1 running 1\ncontainer u1 a c1 paused 2\n"
                                     "sandbox u2 q s2 stopped 0\n"});
    ASSERT_TRUE(report);
    EXPECT_EQ(presence_of(*report), Presence::contained);
}

TEST(ActionOutcome, NamesWhatHappenedToANode) {
    const ActionSpec& freeze = *find_action("freeze");
    const ActionSpec& thaw = *find_action("thaw");
    NodeReport unchanged;
    unchanged.unchanged.push_back({"container", "c1", "paused", "paused"});
    EXPECT_EQ(outcome_of(true, unchanged), ActionOutcome::already);
    EXPECT_EQ(outcome_word(freeze, ActionOutcome::already), "already contained");
    EXPECT_EQ(outcome_word(thaw, ActionOutcome::already), "already restored");
    EXPECT_EQ(outcome_of(true, NodeReport{}), ActionOutcome::nothing_to_do);
    EXPECT_EQ(outcome_of(false, unchanged), ActionOutcome::failed);
    EXPECT_EQ(failure_reason(6), FailureReason::kubelet_would_restart);
    EXPECT_EQ(failure_reason(4), FailureReason::runtime_not_running);
    EXPECT_EQ(failure_reason(1), FailureReason::exit_status);
    EXPECT_EQ(find_action("delete"), nullptr);
    EXPECT_TRUE(find_action("stop")->kubelet_rule);
    EXPECT_FALSE(find_action("freeze")->kubelet_rule);
}

TEST(NodeReport, ACutReportIsNeverRead) {
    // The head of the snapshot was cut: what is left would say one container, all paused.
    auto cut = parse_kept_report({{"container u1 log-shipper c2 paused 102\n", 4096}});
    ASSERT_FALSE(cut);
    EXPECT_NE(cut.error().find("step 1 printed more than max_output (4096 bytes cut)"),
              std::string::npos)
        << cut.error();
    auto whole = parse_kept_report({{k_status, 0}});
    ASSERT_TRUE(whole) << whole.error();
    EXPECT_EQ(whole->pods.size(), 1U);
}

TEST(NodeReport, StatusFactsAreReadAndDescribed) {
    auto report = parse_node_report({"fact cgroup v2\nfact runtime ctr\n"
                                     "fact runtime_version 1.6.20~ds1\n"
                                     "fact runtime_socket /run/k3s/containerd/containerd.sock\n"
                                     "fact kubelet_unit k3s-agent\nfact kubelet_state inactive\n"
                                     "fact kubelet_hold 1796551200\nfact future_fact x\n" +
                                     std::string(k_status)});
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->facts.size(), 7U); // future_fact is dropped
    EXPECT_EQ(report->pods.size(), 1U);
    EXPECT_EQ(kubelet_hold_until(*report), "2026-12-06T10:00:00Z");
    EXPECT_EQ(describe_facts(*report),
              "cgroup v2, ctr (containerd 1.6.20~ds1) at /run/k3s/containerd/containerd.sock, "
              "kubelet unit k3s-agent inactive, kubelet held until 2026-12-06T10:00:00Z");
    report->facts["kubelet_hold"] = "none";
    EXPECT_EQ(kubelet_hold_until(*report), std::nullopt);
    EXPECT_NE(describe_facts(*report).find(", no kubelet hold"), std::string::npos);
    report->facts.erase("runtime_socket");
    EXPECT_NE(describe_facts(*report).find("cgroup v2, ctr, no runtime socket, kubelet unit"),
              std::string::npos)
        << describe_facts(*report);
    report->facts["runtime_socket"] = "/run/containerd/containerd.sock";
    report->facts["read_via"] = "api";
    EXPECT_NE(describe_facts(*report).find(
                  "ctr (containerd 1.6.20~ds1, read through its API) at /run/containerd/"),
              std::string::npos)
        << describe_facts(*report);
    EXPECT_EQ(parse_node_report({"fact read_via api\n"})->facts.at("read_via"), "api");
    EXPECT_FALSE(parse_node_report({"fact cgroup\n"}));
    EXPECT_EQ(describe_facts(*parse_node_report({k_status})), "");
}

} // namespace
} // namespace breakglass::containment
