#include "tests/integration/support/containment_fixture.hpp"

namespace breakglass::testing {

void ContainmentFixture::SetUp() {
    if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
        GTEST_SKIP() << missing;
    }
}

void ContainmentFixture::start(int nodes, std::vector<std::string> faults,
                               std::vector<std::string> flavours) {
    m_lab = std::make_unique<ContainerdLab>(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(), nodes, std::move(faults),
        std::move(flavours));
    m_flags = m_lab->shipped_playbook_flags(m_dir.path());
    for (const auto& node : m_lab->description()["nodes"]) {
        m_nodes.push_back(node["name"].get<std::string>());
    }
}

nlohmann::json ContainmentFixture::daemonset(std::vector<std::string> args, int* exit_code) const {
    args.insert(args.begin(), "daemonset");
    args.insert(args.end(), m_flags.begin(), m_flags.end());
    args.insert(args.end(), {"-o", "json"});
    return m_lab->breakglass_json(args, exit_code);
}

} // namespace breakglass::testing
