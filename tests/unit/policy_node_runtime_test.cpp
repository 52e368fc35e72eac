#include "inventory/inventory_loader.hpp"
#include "inventory/inventory_writer.hpp"
#include "policy/node_runtime.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace breakglass;

namespace {

// Three nodes: one with its own socket, one with its own unit, one with neither; the
// inventory's defaults as given.
inventory::Inventory fleet(const std::string& defaults) {
    const std::string text =
        R"({"schema_version": 1, "cluster": "prod", "captured_at": "2026-11-24T08:00:00Z", )"
        R"("defaults": {)" +
        defaults +
        R"(}, "nodes": [)"
        R"({"name": "a", "address": "10.0.0.1", "runtime_socket": "/run/k3s/containerd/containerd.sock"},)"
        R"({"name": "b", "address": "10.0.0.2", "kubelet_unit": "k3s-agent"},)"
        R"({"name": "c", "address": "10.0.0.3"}]})";
    auto parsed = inventory::parse_inventory(text);
    EXPECT_TRUE(parsed) << parsed.error();
    return parsed ? std::move(*parsed) : inventory::Inventory{};
}

config::Settings settings_with(std::map<std::string, std::vector<std::string>> flags,
                               std::map<std::string, std::string> env = {}) {
    config::SettingsInputs inputs;
    env.emplace("HOME", "/h");
    inputs.env = config::fixed_environment(std::move(env));
    inputs.flags = std::move(flags);
    return config::resolve_settings(inputs).value();
}

} // namespace

TEST(PolicyNodeRuntime, NodeBeatsInventoryDefaultBeatsBuiltIn) {
    const auto inventory = fleet(R"("kubelet_unit": "rke2-agent")");
    auto runtimes = policy::plan_node_runtimes(settings_with({}), inventory, {0, 1, 2}).value();
    ASSERT_EQ(runtimes.size(), 3U);
    EXPECT_EQ(runtimes[0],
              (policy::NodeRuntime{"/run/k3s/containerd/containerd.sock", "rke2-agent"}));
    EXPECT_EQ(runtimes[1], (policy::NodeRuntime{"", "k3s-agent"}));
    EXPECT_EQ(runtimes[2], (policy::NodeRuntime{"", "rke2-agent"}));

    const auto no_defaults = fleet("");
    auto plain = policy::plan_node_runtimes(settings_with({}), no_defaults, {2}).value();
    EXPECT_EQ(plain[0], (policy::NodeRuntime{"", "kubelet"})) << "the built-in defaults";
}

TEST(PolicyNodeRuntime, ASettingGivenForTheRunBeatsTheInventory) {
    const auto inventory = fleet(R"("kubelet_unit": "rke2-agent")");
    auto flagged = policy::plan_node_runtimes(
                       settings_with({{"runtime_socket", {"/run/containerd/containerd.sock"}}}),
                       inventory, {0, 1})
                       .value();
    EXPECT_EQ(flagged[0].socket, "/run/containerd/containerd.sock");
    EXPECT_EQ(flagged[0].unit, "rke2-agent") << "only the setting that was given";
    auto from_env = policy::plan_node_runtimes(
                        settings_with({}, {{"BREAKGLASS_KUBELET_UNIT", "kubelet"}}), inventory, {1})
                        .value();
    EXPECT_EQ(from_env[0].unit, "kubelet");
}

TEST(PolicyNodeRuntime, AnInventoryValueThatIsNoPathOrUnitIsRefusedNamingTheNode) {
    auto inventory = fleet("");
    inventory.nodes[1].runtime_socket = "relative/containerd.sock";
    auto refused = policy::plan_node_runtimes(settings_with({}), inventory, {0, 1});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().source, config::Source::built_in);
    EXPECT_NE(refused.error().message.find("node 'b'"), std::string::npos)
        << refused.error().message;

    inventory = fleet("");
    inventory.nodes[2].kubelet_unit = "kubelet; reboot";
    ASSERT_FALSE(policy::plan_node_runtimes(settings_with({}), inventory, {2}));
    EXPECT_TRUE(policy::plan_node_runtimes(settings_with({}), inventory, {0, 1}))
        << "only the selected nodes are judged";

    auto bad_flag =
        policy::plan_node_runtimes(settings_with({{"kubelet_unit", {"-x"}}}), fleet(""), {0});
    ASSERT_FALSE(bad_flag);
    EXPECT_EQ(bad_flag.error().source, config::Source::flag);
}

TEST(PolicyNodeRuntime, TheFieldsSurviveAWriteAndARead) {
    const auto inventory = fleet(R"("runtime_socket": "/run/custom.sock", "kubelet_unit": "k")");
    std::ostringstream written;
    inventory::write_inventory(inventory, written);
    auto again = inventory::parse_inventory(written.str());
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(again->defaults.runtime_socket, "/run/custom.sock");
    EXPECT_EQ(again->defaults.kubelet_unit, "k");
    EXPECT_EQ(again->nodes[0].runtime_socket, "/run/k3s/containerd/containerd.sock");
    EXPECT_EQ(again->nodes[1].kubelet_unit, "k3s-agent");

    // Unset, they are not written: the file stays readable by earlier versions.
    std::ostringstream plain;
    inventory::write_inventory(fleet(""), plain);
    const auto document = nlohmann::json::parse(plain.str());
    EXPECT_FALSE(document["defaults"].contains("runtime_socket")) << plain.str();
    EXPECT_FALSE(document["defaults"].contains("kubelet_unit")) << plain.str();
    EXPECT_FALSE(document["nodes"][2].contains("runtime_socket")) << plain.str();
    EXPECT_FALSE(document["nodes"][2].contains("kubelet_unit")) << plain.str();
    EXPECT_EQ(document["nodes"][1]["kubelet_unit"], "k3s-agent");
}
