#include "drill/node_outcome.hpp"

#include <gtest/gtest.h>

using namespace breakglass::drill;
using breakglass::transport::NodeResult;
using breakglass::transport::NodeStatus;
using breakglass::transport::Reason;
using std::chrono::milliseconds;

namespace {

const std::string k_report = "ready runtime ctr\nready runtime_socket /run/c.sock\n"
                             "ready runtime_answers yes\nready cgroup v2\nready freezer yes\n"
                             "ready iptables yes\nready nsenter yes\nready systemd no\n"
                             "ready kubelet_unit kubelet unchecked\nready kubelet_hold none\n"
                             "ready journal_last none\nready end\n";

NodeResult ran(std::string out) {
    NodeResult result;
    result.status = NodeStatus::ok;
    result.out.tail = std::move(out);
    result.timings.connect = milliseconds(3);
    result.timings.handshake = milliseconds(10);
    result.timings.auth = milliseconds(5);
    result.timings.total = milliseconds(40);
    return result;
}

} // namespace

TEST(DrillNodeOutcome, AReadyNodeCarriesItsTimings) {
    const NodeOutcome outcome = judge_drill_node("n1", ran(k_report));
    EXPECT_TRUE(outcome.reached);
    EXPECT_TRUE(outcome.ready);
    EXPECT_TRUE(outcome.problems.empty());
    EXPECT_EQ(outcome.handshake_auth, milliseconds(15));
    EXPECT_EQ(outcome.total, milliseconds(40));
    ASSERT_TRUE(outcome.report);
}

TEST(DrillNodeOutcome, SessionFailuresAreNotReached) {
    for (auto [status, reason] : {std::pair{NodeStatus::unreachable, Reason::connect_failed},
                                  std::pair{NodeStatus::auth_failed, Reason::auth_failed},
                                  std::pair{NodeStatus::hostkey_changed, Reason::hostkey_changed},
                                  std::pair{NodeStatus::failed, Reason::become_denied},
                                  std::pair{NodeStatus::timeout, Reason::handshake_timeout}}) {
        NodeResult result;
        result.status = status;
        result.reason = reason;
        result.message = "why";
        const NodeOutcome outcome = judge_drill_node("n1", result);
        EXPECT_FALSE(outcome.reached) << breakglass::transport::to_string(reason);
        EXPECT_FALSE(outcome.ready);
        ASSERT_EQ(outcome.problems.size(), 1U);
        EXPECT_NE(outcome.problems[0].find("why"), std::string::npos);
    }
}

TEST(DrillNodeOutcome, AReachedNodeWithABadReportIsNeverReady) {
    NodeResult cut = ran(k_report);
    cut.out.dropped_bytes = 10;
    NodeResult garbage = ran("hello\n");
    NodeResult exited = ran(k_report);
    exited.status = NodeStatus::failed;
    exited.reason = Reason::exit_status;
    exited.exit_code = 1;
    for (const NodeResult& result : {cut, garbage, exited}) {
        const NodeOutcome outcome = judge_drill_node("n1", result);
        EXPECT_TRUE(outcome.reached);
        EXPECT_FALSE(outcome.ready);
        ASSERT_FALSE(outcome.problems.empty());
    }
    EXPECT_NE(judge_drill_node("n1", garbage).problems[0].find("not ready: unreadable report"),
              std::string::npos);
}
