#include "drill/readiness_report.hpp"

#include <gtest/gtest.h>

using namespace breakglass::drill;

namespace {

constexpr const char* k_ready = "ready runtime ctr\n"
                                "ready runtime_socket /run/containerd/containerd.sock\n"
                                "ready runtime_answers yes\n"
                                "ready cgroup hybrid\n"
                                "ready freezer yes\n"
                                "ready iptables yes\n"
                                "ready nsenter yes\n"
                                "ready systemd no\n"
                                "ready kubelet_unit kubelet unchecked\n"
                                "ready kubelet_hold none\n"
                                "ready journal_last none\n"
                                "ready end\n";

std::string replaced(const std::string& from, const std::string& to) {
    std::string text = k_ready;
    text.replace(text.find(from), from.size(), to);
    return text;
}

} // namespace

TEST(DrillReadinessReport, AHealthyNodeIsReady) {
    auto report = parse_readiness_report(k_ready);
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->runtime, "ctr");
    EXPECT_EQ(report->runtime_socket, "/run/containerd/containerd.sock");
    EXPECT_TRUE(report->runtime_answers);
    EXPECT_EQ(report->kubelet_unit, "kubelet");
    EXPECT_EQ(report->kubelet_unit_state, "unchecked");
    EXPECT_TRUE(readiness_problems(*report).empty());
}

TEST(DrillReadinessReport, JournalTextKeepsItsSpaces) {
    auto report = parse_readiness_report(
        replaced("journal_last none", "journal_last 2026-12-06T10:00:00Z run 7 freeze ok"));
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->journal_last, "2026-12-06T10:00:00Z run 7 freeze ok");
}

TEST(DrillReadinessReport, EachProblemIsNamed) {
    struct Case {
        std::string from, to, problem;
    };
    const std::vector<Case> cases{
        {"runtime ctr", "runtime none", "no container runtime tool"},
        {"runtime_answers yes", "runtime_answers no", "does not answer"},
        {"freezer yes", "freezer no", "no cgroup freezer"},
        {"iptables yes", "iptables no", "no iptables"},
        {"nsenter yes", "nsenter no", "no nsenter"},
        {"kubelet unchecked", "kubelet unknown", "does not know the kubelet unit kubelet"},
        {"kubelet_hold none", "kubelet_hold stale", "stale kubelet hold"},
    };
    for (const Case& c : cases) {
        auto report = parse_readiness_report(replaced(c.from, c.to));
        ASSERT_TRUE(report) << c.to << ": " << report.error();
        const auto problems = readiness_problems(*report);
        ASSERT_EQ(problems.size(), 1U) << c.to;
        EXPECT_NE(problems[0].find(c.problem), std::string::npos) << problems[0];
    }
    // An active hold is an incident in progress, not a broken path.
    auto held = parse_readiness_report(replaced("kubelet_hold none", "kubelet_hold active"));
    ASSERT_TRUE(held);
    EXPECT_TRUE(readiness_problems(*held).empty());
}

TEST(DrillReadinessReport, AnythingUnexpectedMakesTheReportUnreadable) {
    const std::vector<std::string> bad{
        "",                                                                      // nothing at all
        replaced("ready end\n", ""),                                             // cut
        replaced("ready end\n", "ready end\nready cgroup v2\n"),                 // after the end
        replaced("ready cgroup hybrid\n", ""),                                   // a key missing
        replaced("ready cgroup hybrid\n", "ready cgroup v2\nready cgroup v2\n"), // repeated
        replaced("cgroup hybrid", "cgroup v3"), // a value not in the list
        replaced("freezer yes", "freezer maybe"),
        replaced("runtime_socket /run", "runtime_socket run"),  // not absolute
        replaced("runtime_socket /run", "runtime_socket /r$n"), // not a path we accept
        replaced("kubelet unchecked", "kubelet"),               // no state
        replaced("kubelet unchecked", "kube;let known"),
        replaced("journal_last none", "journal_last a\x1b[2Jb"), // a control character
        replaced("journal_last none", "journal_last "),          // empty
        // Not the shipped script's printable ASCII: UTF-8, a bidi override, invalid UTF-8.
        replaced("journal_last none", "journal_last caf\xc3\xa9"),
        replaced("journal_last none", "journal_last a\xe2\x80\xae"
                                      "b"),
        replaced("journal_last none", "journal_last a\xff"
                                      "b"),
        replaced("ready nsenter yes\n", "ready nsenter yes\nwarning: something\n"),
        replaced("ready nsenter yes\n", "ready nsenter yes\nready colour blue\n"),
        replaced("ready end\n", "ready end\n\n"),
    };
    for (const std::string& text : bad) {
        EXPECT_FALSE(parse_readiness_report(text)) << text;
    }
}

// The error quotes the node's key: cut, and escaped for the terminal, since callers print it.
TEST(DrillReadinessReport, AnErrorQuotesTheNodesKeyEscapedAndCut) {
    auto control = parse_readiness_report("ready \x1b]52;c;owned\x07 x\nready end\n");
    ASSERT_FALSE(control);
    EXPECT_EQ(control.error().find('\x1b'), std::string::npos) << control.error();
    EXPECT_EQ(control.error().find('\x07'), std::string::npos) << control.error();
    EXPECT_NE(control.error().find("unknown key '\\x1b]52;c;owned\\x07'"), std::string::npos)
        << control.error();

    auto invalid = parse_readiness_report("ready k\xff\xfe x\n");
    ASSERT_FALSE(invalid);
    EXPECT_NE(invalid.error().find("'k\\xff\\xfe'"), std::string::npos) << invalid.error();

    auto lengthy = parse_readiness_report("ready " + std::string(5000, 'k') + " x\n");
    ASSERT_FALSE(lengthy);
    EXPECT_LT(lengthy.error().size(), 100U) << lengthy.error();
    EXPECT_NE(lengthy.error().find("(cut)"), std::string::npos) << lengthy.error();
}

TEST(DrillReadinessReport, HowTheDaemonSetPlaybooksWouldReadIsOptionalAndApiFailsIsAProblem) {
    EXPECT_EQ(parse_readiness_report(k_ready)->read_via, "") << "older playbooks do not say";
    for (const std::string read : {"api", "ctr", "crictl", "none"}) {
        auto report = parse_readiness_report(
            replaced("ready runtime_answers yes\n",
                     "ready runtime_answers yes\nready read_via " + read + "\n"));
        ASSERT_TRUE(report) << read << ": " << report.error();
        EXPECT_EQ(report->read_via, read);
        EXPECT_TRUE(readiness_problems(*report).empty()) << read;
    }
    auto failing =
        parse_readiness_report(replaced("ready end\n", "ready read_via api-fails\nready end\n"));
    ASSERT_TRUE(failing) << failing.error();
    EXPECT_EQ(readiness_problems(*failing),
              std::vector<std::string>{"containerd's API fails through curl (the DaemonSet "
                                       "playbooks read through it on this node)"});
    EXPECT_FALSE(
        parse_readiness_report(replaced("ready end\n", "ready read_via grpc\nready end\n")));
    EXPECT_FALSE(parse_readiness_report(
        replaced("ready end\n", "ready read_via api\nready read_via ctr\nready end\n")));
}
