#include "cli/failure.hpp"

#include <gtest/gtest.h>

using breakglass::cli::ExitCode;
using breakglass::cli::plan_failure;
using breakglass::policy::PlanError;
using breakglass::policy::PlanErrorClass;

TEST(CliPlanFailure, EachClassExitsWithItsDocumentedCode) {
    const auto code_of = [](PlanErrorClass kind) {
        return plan_failure(PlanError{kind, "x"}).code();
    };
    EXPECT_EQ(code_of(PlanErrorClass::usage), ExitCode::usage);
    EXPECT_EQ(code_of(PlanErrorClass::inventory), ExitCode::inventory);
    EXPECT_EQ(code_of(PlanErrorClass::config), ExitCode::config_or_state);
    EXPECT_EQ(code_of(PlanErrorClass::playbook), ExitCode::playbook_refused);
    EXPECT_STREQ(plan_failure(PlanError{PlanErrorClass::usage, "--jump: bad"}).what(),
                 "--jump: bad");
}
