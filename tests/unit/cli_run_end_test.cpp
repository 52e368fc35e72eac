// How a fleet run ends: its exit status when several things went wrong at once (man page, EXIT
// STATUS), and when the nodes it did not do are listed in a file to continue with.
#include "cli/run_end.hpp"

#include <gtest/gtest.h>

using breakglass::cli::continue_reason;
using breakglass::cli::ExitCode;
using breakglass::cli::run_exit_code;
using breakglass::rollout::Stop;

TEST(CliRunEnd, ARunThatWentThroughIsOkOrNodesFailed) {
    EXPECT_EQ(run_exit_code({.all_ok = true}), ExitCode::ok);
    EXPECT_EQ(run_exit_code({.all_ok = false}), ExitCode::nodes_failed);
    // The deadline's nodes end as timeouts: failed nodes, not a stop of its own.
    EXPECT_EQ(run_exit_code({.stop = Stop::deadline, .all_ok = false}), ExitCode::nodes_failed);
}

TEST(CliRunEnd, ASignalThenTheBudgetThenTheAuditLogThenADeclineNameTheExit) {
    EXPECT_EQ(run_exit_code({true, true, Stop::audit, false}), ExitCode::interrupted);
    EXPECT_EQ(run_exit_code({false, true, Stop::audit, false}), ExitCode::failure_budget_exceeded);
    EXPECT_EQ(run_exit_code({false, false, Stop::audit, true}), ExitCode::config_or_state);
    EXPECT_EQ(run_exit_code({false, false, Stop::declined, true}), ExitCode::confirmation_refused);
    // A budget crossed by the last results of the last stage still exits 6.
    EXPECT_EQ(run_exit_code({false, true, Stop::none, false}), ExitCode::failure_budget_exceeded);
}

TEST(CliRunEnd, OnlyARunStoppedOnPurposeListsTheNodesNotDone) {
    EXPECT_EQ(continue_reason(ExitCode::ok), "");
    EXPECT_EQ(continue_reason(ExitCode::nodes_failed), "");
    EXPECT_EQ(continue_reason(ExitCode::interrupted), "interrupted");
    EXPECT_EQ(continue_reason(ExitCode::failure_budget_exceeded), "failure budget exceeded");
    EXPECT_EQ(continue_reason(ExitCode::config_or_state), "the audit log cannot be written");
    EXPECT_EQ(continue_reason(ExitCode::confirmation_refused), "not confirmed");
}
