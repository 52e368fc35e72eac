#pragma once

#include "tests/integration/support/containerd_lab.hpp"
#include "tests/integration/support/match_lines.hpp"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace breakglass::testing {

/// The fixture of the containerd lab's own tests (the lab and the DaemonSet matching rule): a
/// signed containerd lab fleet of the case's own (start()) or one its suite shares (use()), read
/// through exec --read-only and plain ssh. Skips where the containerd lab cannot run.
class ContainerdLabFixture : public ::testing::Test {
protected:
    void SetUp() override;

    /// Brings up a fleet of this case's own: NODES nodes with lab/fleet --fault FAULTS and more
    /// lab/fleet arguments FLAVOURS (see ContainerdLab); throws when it cannot come up.
    void start(int nodes, std::vector<std::string> faults = {},
               std::vector<std::string> flavours = {});

    /// Points the case at FLEET (one a suite shares, brought up in its SetUpTestSuite).
    void use(SignedFleet& fleet);

    /// `breakglass exec --read-only -o json` of SCRIPT (which only looks) on every node, keyed by
    /// node name: all nodes at once, each one's result kept whether it fails or not.
    nlohmann::json exec_everywhere(const std::string& script,
                                   const std::vector<std::string>& flags = {}) const;

    /// bg_ds_match for DaemonSet NS/NAME on NODE over plain ssh (exit status 0 asserted).
    std::vector<MatchLine> match_on(const std::string& node, const std::string& ns,
                                    const std::string& name) const;

    /// NODE's pods as the kubelet stand-in first made them (pods.json).
    const nlohmann::json& pods_of(const std::string& node) const {
        return m_lab->pods()["nodes"][node];
    }

    std::unique_ptr<SignedFleet> m_own;
    SignedFleet* m_fleet = nullptr;
    ContainerdLab* m_lab = nullptr;
    std::string m_inventory;
};

} // namespace breakglass::testing
