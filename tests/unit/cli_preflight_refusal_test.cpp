// The exit code a preflight refusal ends a command with (man/breakglass.1, EXIT STATUS): the
// version record on this machine is state (4); everything about the playbook is a refusal (5).
#include "cli/exit_code.hpp"
#include "cli/playbook_load.hpp"

#include <gtest/gtest.h>

using namespace breakglass;

TEST(CliPreflightRefusal, StateIsExitFourEveryOtherKindExitFive) {
    using Kind = playbooks::PreflightRefusalKind;
    for (Kind kind : {Kind::unreadable, Kind::signature, Kind::schema, Kind::not_yet_valid,
                      Kind::expired, Kind::name, Kind::parameter, Kind::scope, Kind::rollback}) {
        const cli::Failure failure = cli::refusal_failure({kind, std::nullopt, "why"});
        EXPECT_EQ(failure.code(), cli::ExitCode::playbook_refused) << playbooks::to_string(kind);
        EXPECT_STREQ(failure.what(), "why");
    }
    EXPECT_EQ(cli::refusal_failure({Kind::state, std::nullopt, "state"}).code(),
              cli::ExitCode::config_or_state);
}
