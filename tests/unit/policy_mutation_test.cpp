#include "policy/mutation.hpp"

#include <gtest/gtest.h>

using namespace breakglass::policy;
using breakglass::playbooks::Playbook;
using breakglass::playbooks::PlaybookStep;

namespace {

Playbook playbook_with(std::initializer_list<bool> mutates) {
    Playbook playbook;
    playbook.name = "daemonset-isolate";
    for (bool each : mutates) {
        PlaybookStep step;
        step.mutates = each;
        playbook.steps.push_back(step);
    }
    return playbook;
}

} // namespace

TEST(Mutation, APlaybookMutatesWhenAnyStepDoes) {
    EXPECT_FALSE(playbook_mutates(playbook_with({})));
    EXPECT_FALSE(playbook_mutates(playbook_with({false, false})));
    EXPECT_TRUE(playbook_mutates(playbook_with({false, true})));
}

TEST(Mutation, EveryCommandHasOneAnswer) {
    const Playbook reads = playbook_with({false});
    const Playbook writes = playbook_with({true});
    EXPECT_TRUE(run_mutates({RunCommand::exec, {}, false}, nullptr));
    EXPECT_FALSE(run_mutates({RunCommand::exec, {}, true}, nullptr));
    EXPECT_FALSE(run_mutates({RunCommand::run, {}, false}, &reads));
    EXPECT_TRUE(run_mutates({RunCommand::run, {}, false}, &writes));
    EXPECT_FALSE(run_mutates({RunCommand::daemonset, "status", false}, &reads));
    for (const char* action : {"freeze", "thaw", "stop", "remove", "isolate", "unisolate"}) {
        EXPECT_TRUE(run_mutates({RunCommand::daemonset, action, false}, &reads)) << action;
    }
    // A status playbook that declares a mutating step mutates, whatever the command says.
    EXPECT_TRUE(run_mutates({RunCommand::daemonset, "status", false}, &writes));
    EXPECT_TRUE(run_mutates({RunCommand::kubelet_release, {}, false}, &reads));
}
