#include "audit/run_summary.hpp"

#include <gtest/gtest.h>

namespace breakglass::audit {
namespace {

TEST(AuditRunSummary, GroupsRecordsByRunInStartOrder) {
    const std::vector<nlohmann::json> records{
        {{"type", "log-start"}, {"run_id", ""}},
        {{"type", "run-start"},
         {"run_id", "a"},
         {"ts", "T1"},
         {"user", "ann"},
         {"host", "lap"},
         {"argv", {"breakglass", "exec", "--", "true"}}},
        {{"type", "run-start"},
         {"run_id", "b"},
         {"ts", "T2"},
         {"user", "bob"},
         {"host", "pc"},
         {"argv", {"breakglass", "run", "x"}},
         {"playbook", {{"name", "freeze"}, {"version", 3}}}},
        {{"type", "wave-start"}, {"run_id", "a"}, {"nodes", {"n1", "n2"}}},
        {{"type", "node-result"},
         {"run_id", "a"},
         {"node", "n1"},
         {"status", "ok"},
         {"exit_code", 0}},
        {{"type", "node-result"},
         {"run_id", "b"},
         {"node", "n9"},
         {"status", "unreachable"},
         {"reason", "connect-timeout"}},
        {{"type", "node-result"},
         {"run_id", "a"},
         {"node", "n2"},
         {"status", "failed"},
         {"reason", "exit-status"},
         {"exit_code", 3}},
        {{"type", "run-end"}, {"run_id", "a"}, {"ts", "T3"}, {"end_reason", "completed"}},
        // Fields of unexpected types are ignored, not thrown on.
        {{"type", "node-result"}, {"run_id", "b"}, {"node", 5}, {"status", nullptr}},
    };
    const auto runs = summarize_runs(records);
    ASSERT_EQ(runs.size(), 2U);
    EXPECT_EQ(runs[0].run_id, "a");
    EXPECT_EQ(runs[0].user, "ann@lap");
    EXPECT_EQ(runs[0].command, "breakglass exec -- true");
    EXPECT_EQ(runs[0].ended, "T3");
    EXPECT_EQ(runs[0].end_reason, "completed");
    EXPECT_EQ(runs[0].waves, 1U);
    ASSERT_EQ(runs[0].nodes.size(), 2U);
    EXPECT_EQ(runs[0].nodes[1].exit_code, 3);
    EXPECT_EQ(runs[0].counts.at("ok"), 1U);
    EXPECT_EQ(runs[0].counts.at("failed"), 1U);
    EXPECT_EQ(runs[1].playbook, "freeze v3");
    EXPECT_TRUE(runs[1].ended.empty()); // never ended: crashed, killed or still running
    EXPECT_EQ(runs[1].nodes.size(), 2U);
    const nlohmann::json shown = to_json(runs[1]);
    EXPECT_TRUE(shown["ended"].is_null());
    EXPECT_EQ(shown["nodes"][0]["reason"], "connect-timeout");
}

} // namespace
} // namespace breakglass::audit
