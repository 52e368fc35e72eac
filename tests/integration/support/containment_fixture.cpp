#include "tests/integration/support/containment_fixture.hpp"

namespace breakglass::testing {

void ContainmentFixture::SetUp() {
    if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
        GTEST_SKIP() << missing;
    }
}

void ContainmentFixture::start(int nodes, std::vector<std::string> faults,
                               std::vector<std::string> flavours) {
    m_own = std::make_unique<SignedFleet>(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(), nodes, std::move(faults),
        std::move(flavours));
    use(*m_own);
}

void ContainmentFixture::use(SignedFleet& fleet) {
    m_lab = fleet.lab.get();
    m_flags = fleet.flags;
    m_nodes = fleet.nodes;
}

nlohmann::json ContainmentFixture::daemonset(std::vector<std::string> args, int* exit_code) const {
    // Every action but status changes nodes: with no terminal to confirm on, only with --yes.
    if (args.front() != "status") {
        args.push_back("--yes");
    }
    args.insert(args.begin(), "daemonset");
    args.insert(args.end(), m_flags.begin(), m_flags.end());
    args.insert(args.end(), {"-o", "json"});
    return m_lab->breakglass_json(args, exit_code);
}

} // namespace breakglass::testing
