#include "containment/actions.hpp"
#include "containment/failure_reason.hpp"
#include "containment/outcome.hpp"

#include <string>

#include <gtest/gtest.h>

using namespace breakglass::containment;

namespace {

const char* const k_running = "sandbox u1 agent-abcde s1 running 100\n"
                              "container u1 agent c1 running 101\n";
const char* const k_frozen = "matched 1\n"
                             "sandbox u1 agent-abcde s1 running 100\n"
                             "container u1 agent c1 running 101\n"
                             "change container c1 running paused\n";
const char* const k_already = "unchanged container c1 paused\n"
                              "sandbox u1 agent-abcde s1 running 100\n"
                              "container u1 agent c1 paused 101\n";

NodeRun succeeded(const char* out) {
    NodeRun run;
    run.ok = true;
    run.exit_code = 0;
    run.steps = {{out, 0}};
    return run;
}

// A playbook that ran and exited `code` (what the transport reports as reason exit-status).
NodeRun exited(int code, const char* out, const char* err) {
    NodeRun run;
    run.exited_non_zero = true;
    run.exit_code = code;
    run.reason = "exit-status";
    run.message = "exit status " + std::to_string(code);
    run.steps = {{out, 0}};
    run.last_stderr = err;
    return run;
}

} // namespace

TEST(ContainmentOutcome, ContainedAlreadyAndNothingToDoAreWordedByTheAction) {
    const ActionSpec& freeze = *find_action("freeze");
    const ActionSpec& thaw = *find_action("thaw");

    const NodeJudgement frozen = judge_node(freeze, succeeded(k_frozen));
    EXPECT_FALSE(frozen.failed);
    EXPECT_FALSE(frozen.already);
    EXPECT_EQ(frozen.word, "contained");
    EXPECT_EQ(frozen.reason, "");
    ASSERT_EQ(frozen.report.changes.size(), 1U);

    const NodeJudgement already = judge_node(thaw, succeeded(k_already));
    EXPECT_FALSE(already.failed);
    EXPECT_TRUE(already.already);
    EXPECT_EQ(already.word, "already restored");

    const NodeJudgement none = judge_node(freeze, succeeded("matched 0\n"));
    EXPECT_FALSE(none.failed);
    EXPECT_FALSE(none.already);
    EXPECT_EQ(none.word, "nothing to do");
}

TEST(ContainmentOutcome, StatusIsWordedByPresence) {
    const ActionSpec& status = *find_action("status");
    EXPECT_EQ(judge_node(status, succeeded(k_running)).word, "running");
    EXPECT_EQ(judge_node(status, succeeded(k_already)).word, "contained");
    EXPECT_EQ(judge_node(status, succeeded("")).word, "absent");
    const NodeJudgement failed = judge_node(status, exited(3, "", "no container runtime\n"));
    EXPECT_TRUE(failed.failed);
    EXPECT_FALSE(failed.already);
    EXPECT_EQ(failed.word, "failed");
    EXPECT_EQ(failed.reason, to_string(FailureReason::no_runtime));
}

TEST(ContainmentOutcome, APlaybookExitStatusBecomesItsReasonAndItsLastStderrLineTheMessage) {
    const ActionSpec& stop = *find_action("stop");
    const NodeJudgement judged =
        judge_node(stop, exited(6, k_running, "checking\nthe kubelet would restart agent\n\n"));
    EXPECT_TRUE(judged.failed);
    EXPECT_EQ(judged.word, "failed");
    EXPECT_EQ(judged.reason, to_string(FailureReason::kubelet_would_restart));
    EXPECT_EQ(judged.message, "the kubelet would restart agent");
    EXPECT_EQ(judged.report.pods.size(), 1U) << "what matched is still shown";

    // Silent stderr keeps the transport's message; an unknown status stays exit-status.
    const NodeJudgement silent = judge_node(stop, exited(1, "", ""));
    EXPECT_EQ(silent.reason, to_string(FailureReason::exit_status));
    EXPECT_EQ(silent.message, "exit status 1");
}

TEST(ContainmentOutcome, TransportFailuresKeepTheirOwnReason) {
    const ActionSpec& freeze = *find_action("freeze");
    NodeRun timeout;
    timeout.reason = "command-timeout";
    timeout.message = "step freeze ran past 30s";
    timeout.exit_code = std::nullopt;
    const NodeJudgement judged = judge_node(freeze, timeout);
    EXPECT_TRUE(judged.failed);
    EXPECT_EQ(judged.reason, "command-timeout");
    EXPECT_EQ(judged.message, "step freeze ran past 30s");

    // become-denied arrives with an exit status, but it is not the playbook's: not re-read.
    NodeRun denied;
    denied.exit_code = 1;
    denied.reason = "become-denied";
    denied.message = "sudo refused";
    denied.last_stderr = "sudo: a password is required\n";
    const NodeJudgement refused = judge_node(freeze, denied);
    EXPECT_TRUE(refused.failed);
    EXPECT_EQ(refused.reason, "become-denied");
    EXPECT_EQ(refused.message, "sudo refused");
}

TEST(ContainmentOutcome, UnreadableOutputFailsTheNodeAsBadReportWhateverTheExitStatus) {
    const ActionSpec& freeze = *find_action("freeze");
    const NodeJudgement malformed = judge_node(freeze, succeeded("change container c1 a\n"));
    EXPECT_TRUE(malformed.failed);
    EXPECT_EQ(malformed.word, "failed");
    EXPECT_EQ(malformed.reason, to_string(FailureReason::bad_report));
    EXPECT_EQ(malformed.message.rfind("unreadable playbook output: ", 0), 0U) << malformed.message;

    // A failing playbook whose report cannot be read stays bad-report (not its exit status).
    const NodeJudgement both = judge_node(freeze, exited(5, "matched many\n", "ctr failed\n"));
    EXPECT_EQ(both.reason, to_string(FailureReason::bad_report));

    // Output cut by max_output is not read at all: a report missing its head could under-report.
    NodeRun cut = succeeded(k_frozen);
    cut.steps[0].dropped_bytes = 10;
    const NodeJudgement truncated = judge_node(freeze, cut);
    EXPECT_TRUE(truncated.failed);
    EXPECT_EQ(truncated.reason, to_string(FailureReason::bad_report));
    EXPECT_TRUE(truncated.report.changes.empty());
}
