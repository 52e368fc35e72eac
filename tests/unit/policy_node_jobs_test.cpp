// Which nodes run a job of their own: those whose runtime socket or kubelet unit differs from
// the run's in a parameter the playbook takes, one job per distinct runtime, each checked by
// the playbook's own patterns (the inventory is not the playbook's signer).
#include "policy/node_jobs.hpp"

#include <gtest/gtest.h>

using breakglass::policy::node_jobs;
using breakglass::policy::NodeRuntime;
using breakglass::policy::RuntimeParams;

namespace {

breakglass::playbooks::Playbook playbook() {
    auto parsed = breakglass::playbooks::parse_playbook(R"({
      "apiVersion": "breakglass/v1", "kind": "Playbook",
      "metadata": {"name": "daemonset-freeze", "version": 3, "description": "d"},
      "issued_at": "2026-01-01T00:00:00Z", "expires": "2027-01-01T00:00:00Z",
      "scope": {"clusters": ["prod-eu"]},
      "params": {
        "target": {"pattern": "^[a-z-]+$", "required": true, "description": "t"},
        "runtime_socket": {"pattern": "^/[a-z0-9/._-]+[.]sock$", "description": "s"},
        "kubelet_unit": {"pattern": "^[a-z0-9-]+$", "description": "u"}},
      "steps": [{"name": "freeze", "run": "freeze \"$target\"", "timeout": "30s",
                 "mutates": true, "become": true}]
    })");
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error());
    return parsed.value();
}

const NodeRuntime k_standard{"", "kubelet"};
const NodeRuntime k_k3s{"/run/k3s/containerd/containerd.sock", "k3s-agent"};
const NodeRuntime k_other{"/run/other/containerd.sock", "kubelet"};

} // namespace

TEST(PolicyNodeJobs, WhenEveryNodeRunsTheRunsRuntimeThereAreNoJobsOfTheirOwn) {
    auto jobs = node_jobs(playbook(), {"target=agent"}, {k_standard, k_standard}, k_standard,
                          RuntimeParams{true, true});
    ASSERT_TRUE(jobs);
    EXPECT_TRUE(jobs->empty());
}

TEST(PolicyNodeJobs, EachDistinctRuntimeGetsOneJobSharedByItsNodes) {
    auto jobs = node_jobs(playbook(), {"target=agent"}, {k_standard, k_k3s, k_other, k_k3s},
                          k_standard, RuntimeParams{true, false});
    ASSERT_TRUE(jobs);
    ASSERT_EQ(jobs->size(), 4U);
    EXPECT_EQ((*jobs)[0], nullptr) << "the run's own runtime runs the run's job";
    ASSERT_NE((*jobs)[1], nullptr);
    ASSERT_NE((*jobs)[2], nullptr);
    EXPECT_EQ((*jobs)[3], (*jobs)[1]) << "the same runtime shares one job";
    EXPECT_NE((*jobs)[2], (*jobs)[1]);
    // The command is sh -euc '<script>', so the script's quotes appear as '\''.
    const std::string& k3s_command = (*jobs)[1]->steps.at(0).command;
    EXPECT_NE(k3s_command.find(R"(runtime_socket='\''/run/k3s/containerd/containerd.sock'\'')"),
              std::string::npos)
        << k3s_command;
    EXPECT_NE(k3s_command.find(R"(target='\''agent'\'')"), std::string::npos) << k3s_command;
    // The unit is not a parameter of this command, so k3s's unit is not passed.
    EXPECT_EQ(k3s_command.find("k3s-agent"), std::string::npos) << k3s_command;
    EXPECT_TRUE((*jobs)[1]->steps.at(0).become);
}

TEST(PolicyNodeJobs, OnlyTheParametersTheCommandTakesMakeANodeDiffer) {
    // Another socket, but the command passes only the unit: the run's job.
    auto jobs =
        node_jobs(playbook(), {"target=agent"}, {k_other}, k_standard, RuntimeParams{false, true});
    ASSERT_TRUE(jobs);
    EXPECT_TRUE(jobs->empty());
    // Another unit, and the command passes it.
    jobs = node_jobs(playbook(), {"target=agent"}, {k_standard, NodeRuntime{"", "rke2-agent"}},
                     k_standard, RuntimeParams{false, true});
    ASSERT_TRUE(jobs);
    ASSERT_EQ(jobs->size(), 2U);
    ASSERT_NE((*jobs)[1], nullptr);
    EXPECT_NE((*jobs)[1]->steps.at(0).command.find(R"(kubelet_unit='\''rke2-agent'\'')"),
              std::string::npos);
}

TEST(PolicyNodeJobs, ANodeValueThePlaybookRefusesNamesTheNode) {
    auto jobs = node_jobs(playbook(), {"target=agent"},
                          {k_standard, k_k3s, NodeRuntime{"/run/x/not-a-socket", "kubelet"}},
                          k_standard, RuntimeParams{true, false});
    ASSERT_FALSE(jobs);
    EXPECT_EQ(jobs.error().node, 2U);
    EXPECT_NE(jobs.error().message.find("runtime_socket"), std::string::npos)
        << jobs.error().message;
}
