#include "cli/exit_code.hpp"

#include <gtest/gtest.h>

using breakglass::cli::ExitCode;
using breakglass::cli::most_severe;

TEST(CliExitCode, NumbersAreTheDocumentedContract) {
    EXPECT_EQ(int(ExitCode::ok), 0);
    EXPECT_EQ(int(ExitCode::nodes_failed), 1);
    EXPECT_EQ(int(ExitCode::usage), 2);
    EXPECT_EQ(int(ExitCode::inventory), 3);
    EXPECT_EQ(int(ExitCode::config_or_state), 4);
    EXPECT_EQ(int(ExitCode::playbook_refused), 5);
    EXPECT_EQ(int(ExitCode::failure_budget_exceeded), 6);
    EXPECT_EQ(int(ExitCode::drill_slo_missed), 7);
    EXPECT_EQ(int(ExitCode::confirmation_refused), 8);
    EXPECT_EQ(int(ExitCode::interrupted), 130);
}

TEST(CliExitCode, PrecedenceFollowsTheManPage) {
    EXPECT_EQ(most_severe(ExitCode::nodes_failed, ExitCode::usage), ExitCode::usage);
    EXPECT_EQ(most_severe(ExitCode::inventory, ExitCode::usage), ExitCode::usage);
    EXPECT_EQ(most_severe(ExitCode::playbook_refused, ExitCode::config_or_state),
              ExitCode::config_or_state);
    EXPECT_EQ(most_severe(ExitCode::inventory, ExitCode::config_or_state), ExitCode::inventory);
    EXPECT_EQ(most_severe(ExitCode::interrupted, ExitCode::playbook_refused),
              ExitCode::playbook_refused);
    EXPECT_EQ(most_severe(ExitCode::failure_budget_exceeded, ExitCode::interrupted),
              ExitCode::interrupted);
    EXPECT_EQ(most_severe(ExitCode::nodes_failed, ExitCode::failure_budget_exceeded),
              ExitCode::failure_budget_exceeded);
    EXPECT_EQ(most_severe(ExitCode::ok, ExitCode::nodes_failed), ExitCode::nodes_failed);
    EXPECT_EQ(most_severe(ExitCode::ok, ExitCode::ok), ExitCode::ok);
}
