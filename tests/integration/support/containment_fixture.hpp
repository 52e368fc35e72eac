#pragma once

#include "tests/integration/support/containerd_lab.hpp"
#include "tests/integration/support/process.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace breakglass::testing {

/// The fixture of the `breakglass daemonset` tests: a containerd lab fleet named after the test
/// (or one shared by a suite, see use()), the shipped playbooks signed for it, and the command
/// run with -o json. Skips where the containerd lab cannot run.
class ContainmentFixture : public ::testing::Test {
protected:
    void SetUp() override;

    /// Brings up a fleet of this test's own: NODES containerd lab nodes (with lab/fleet --fault
    /// FAULTS, and FLAVOURS: more lab/fleet arguments, see ContainerdLab).
    void start(int nodes, std::vector<std::string> faults = {},
               std::vector<std::string> flavours = {});

    /// Points the test at FLEET (one a suite shares, brought up in its SetUpTestSuite).
    void use(SignedFleet& fleet);

    /// `breakglass daemonset ARGS... -o json` against the fleet (with --yes for every action but
    /// status); the document, with the exit code beside it.
    nlohmann::json daemonset(std::vector<std::string> args, int* exit_code = nullptr) const;

    /// node name -> its entry in a document's "nodes".
    static std::map<std::string, nlohmann::json> by_node(const nlohmann::json& document) {
        return nodes_by_name(document);
    }

    TempDir m_dir; // this test's own scratch space, whatever fleet it uses
    std::unique_ptr<SignedFleet> m_own;
    ContainerdLab* m_lab = nullptr;
    std::vector<std::string> m_flags; // -i, --playbooks, --allowed-signers, --state-dir
    std::vector<std::string> m_nodes; // node names, in fleet order
};

} // namespace breakglass::testing
