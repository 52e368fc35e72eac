#include "tests/integration/support/containerd_lab_fixture.hpp"

namespace breakglass::testing {

void ContainerdLabFixture::SetUp() {
    if (auto missing = ContainerdLab::missing_prerequisite(); !missing.empty()) {
        GTEST_SKIP() << missing;
    }
}

void ContainerdLabFixture::start(int nodes, std::vector<std::string> faults,
                                 std::vector<std::string> flavours) {
    m_own = std::make_unique<SignedFleet>(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(), nodes, std::move(faults),
        std::move(flavours));
    use(*m_own);
}

void ContainerdLabFixture::use(SignedFleet& fleet) {
    m_fleet = &fleet;
    m_lab = fleet.lab.get();
    m_inventory = fleet.inventory;
}

nlohmann::json ContainerdLabFixture::exec_everywhere(const std::string& script,
                                                     const std::vector<std::string>& flags) const {
    std::vector<std::string> args{"exec", "-i", m_inventory, "--read-only", "-o", "json"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"--", script});
    auto result = m_lab->breakglass(args);
    EXPECT_FALSE(result.timed_out);
    nlohmann::json nodes = nlohmann::json::object();
    auto document = nlohmann::json::parse(result.out, nullptr, false);
    EXPECT_FALSE(document.is_discarded()) << result.out << result.err;
    if (!document.is_discarded()) {
        for (const auto& node : document["nodes"]) {
            nodes[node["name"].get<std::string>()] = node;
        }
    }
    return nodes;
}

std::vector<MatchLine> ContainerdLabFixture::match_on(const std::string& node,
                                                      const std::string& ns,
                                                      const std::string& name) const {
    auto result = m_lab->ssh(node, daemonset_match_script(ns, name));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return parse_match(result.out);
}

} // namespace breakglass::testing
