#include "base/rfc3339.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/kubectl_import.hpp"

#include <sstream>

#include <gtest/gtest.h>

using namespace breakglass::inventory;
using breakglass::base::parse_rfc3339;

namespace {

const std::string k_fixtures = std::string(BREAKGLASS_SOURCE_DIR) + "/tests/fixtures/kubectl/";

ImportOptions options(const KnownHosts* known_hosts = nullptr) {
    return {"prod-eu", "kubectl:nodes.json", parse_rfc3339("2026-11-24T08:00:00Z").value(), "root",
            22,        known_hosts};
}

const Node* find(const Inventory& inventory, const std::string& name) {
    for (const Node& node : inventory.nodes) {
        if (node.name == name) {
            return &node;
        }
    }
    return nullptr;
}

std::string import_error(const std::string& json) {
    std::istringstream in(json);
    auto result = import_kubectl(in, options());
    EXPECT_FALSE(result.has_value()) << json;
    return result ? "" : result.error();
}

} // namespace

TEST(InventoryKubectlImport, ImportsTheRealisticFixture) {
    auto result = import_kubectl_file(k_fixtures + "nodes.json", options());
    ASSERT_TRUE(result.has_value()) << result.error();
    const Inventory& inventory = result->inventory;
    EXPECT_EQ(inventory.cluster, "prod-eu");
    EXPECT_EQ(inventory.defaults.user, "root");
    ASSERT_EQ(inventory.nodes.size(), 6U);
    EXPECT_EQ(inventory.nodes[0].name, "cp-01"); // kubectl's order is kept
    EXPECT_EQ(find(inventory, "cp-01")->address, "10.0.0.11");
    EXPECT_EQ(inventory.label(*find(inventory, "cp-01"), "node-role.kubernetes.io/control-plane"),
              "");
    EXPECT_EQ(inventory.label(*find(inventory, "gpu-a100-01"), "nvidia.com/gpu.product"),
              "NVIDIA-A100-SXM4-80GB");
    // InternalIP only: the ExternalIP of the gpu node is not used.
    EXPECT_EQ(find(inventory, "gpu-a100-01")->address, "10.0.4.21");
    EXPECT_EQ(find(inventory, "v6-worker-01")->address, "fd00:10:8::21");
    // Dual stack lists IPv6 first here; IPv4 is preferred.
    EXPECT_EQ(find(inventory, "dual-worker-01")->address, "10.0.8.131");
    // The node without an InternalIP is skipped, and the warning names it.
    EXPECT_EQ(find(inventory, "virtual-kubelet-01"), nullptr);
    ASSERT_EQ(result->warnings.size(), 1U);
    EXPECT_EQ(result->warnings[0], "skipped 1 node(s) without an InternalIP: virtual-kubelet-01");
    // Bulky fields are not labels and leave no trace.
    for (const Node& node : inventory.nodes) {
        EXPECT_FALSE(inventory.label(node, "images").has_value());
        EXPECT_TRUE(node.host_keys.empty());
    }
}

TEST(InventoryKubectlImport, PinsKeysFromKnownHosts) {
    auto known_hosts = load_known_hosts(k_fixtures + "known_hosts");
    ASSERT_TRUE(known_hosts.has_value());
    auto result = import_kubectl_file(k_fixtures + "nodes.json", options(&*known_hosts));
    ASSERT_TRUE(result.has_value()) << result.error();
    const Inventory& inventory = result->inventory;
    EXPECT_EQ(find(inventory, "cp-01")->host_keys.size(), 2U);       // ed25519 and ecdsa by address
    ASSERT_EQ(find(inventory, "gpu-a100-01")->host_keys.size(), 1U); // by node name
    EXPECT_TRUE(find(inventory, "gpu-a100-01")->host_keys[0].starts_with("ssh-ed25519 "));
    // [addr]:22 and a wildcard line both apply; the wildcard's negation spares .102.
    EXPECT_EQ(find(inventory, "cpu-worker-001")->host_keys.size(), 2U);
    // .102's only ed25519 key is @revoked: nothing is pinned.
    EXPECT_TRUE(find(inventory, "cpu-worker-002")->host_keys.empty());
    EXPECT_EQ(find(inventory, "v6-worker-01")->host_keys.size(), 1U);
    EXPECT_TRUE(find(inventory, "dual-worker-01")->host_keys.empty() == false); // 10.0.8.* rsa
    ASSERT_EQ(result->warnings.size(), 2U);
    EXPECT_NE(result->warnings[1].find("have no key in known_hosts: cpu-worker-002"),
              std::string::npos);
}

TEST(InventoryKubectlImport, KnownHostsWarnings) {
    const KnownHosts parsed =
        parse_known_hosts("|1|abc=|def= ssh-ed25519 "
                          "AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0\n"
                          "@cert-authority *.x ssh-ed25519 "
                          "AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0\n"
                          "[10.1.1.1]:2222 ssh-ed25519 "
                          "AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0\n"
                          "only-two-fields ssh-ed25519\n");
    EXPECT_EQ(parsed.entries.size(), 1U);
    ASSERT_EQ(parsed.warnings.size(), 3U);
    EXPECT_NE(parsed.warnings[0].find("@cert-authority is not supported"), std::string::npos);
    EXPECT_NE(parsed.warnings[1].find("line 4"), std::string::npos);
    EXPECT_NE(parsed.warnings[2].find("1 hashed known_hosts entries"), std::string::npos);
    EXPECT_EQ(find_known_host_keys(parsed, "10.1.1.1", 2222).size(), 1U);
    EXPECT_TRUE(find_known_host_keys(parsed, "10.1.1.1", 22).empty());
}

TEST(InventoryKubectlImport, ErrorsNameTheNode) {
    EXPECT_EQ(
        import_error(R"({"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n1"},
        "status": {"addresses": [{"type": "InternalIP", "address": "n1.example.com"}]}}]})"),
        "node 'n1': InternalIP 'n1.example.com' is not an IP address");
    EXPECT_EQ(
        import_error(R"({"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "p"}}]})"),
        "items[0] is not a Node");
    EXPECT_EQ(import_error(R"({"kind": "List", "items": [{"kind": "Node", "metadata": {}}]})"),
              "items[0] has no metadata.name");
    EXPECT_EQ(import_error(R"({"kind": "List", "items": [
        {"kind": "Node", "metadata": {"name": "n1"}, "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.1"}]}},
        {"kind": "Node", "metadata": {"name": "n1"}, "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]}}]})"),
              "node 'n1' appears twice");
    EXPECT_EQ(import_error(R"({"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n1",
        "labels": {"bad key": "x"}}, "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.1"}]}}]})")
                  .rfind("node 'n1': label key 'bad key'", 0),
              0U);
    EXPECT_NE(import_error(R"({"kind": "PodList", "metadata": {}})").find("not the output of"),
              std::string::npos);
    EXPECT_NE(import_error("{").find("parse error"), std::string::npos);
}

TEST(InventoryKubectlImport, AcceptsASingleNode) {
    std::istringstream in(R"({"kind": "Node", "metadata": {"name": "solo", "labels": {"a": "b"}},
        "status": {"images": [{"names": ["x"]}], "addresses": [{"type": "InternalIP", "address": "10.9.9.9"}]}})");
    auto result = import_kubectl(in, options());
    ASSERT_TRUE(result.has_value()) << result.error();
    ASSERT_EQ(result->inventory.nodes.size(), 1U);
    EXPECT_EQ(result->inventory.label(result->inventory.nodes[0], "a"), "b");
}

TEST(InventoryKubectlImport, HostileNamesAndRepeatedKeysAreRefused) {
    // Checked before anything prints the name (the skipped-node warning would).
    EXPECT_EQ(import_error(R"({"kind": "List", "items": [{"kind": "Node",
        "metadata": {"name": "n1\u001b]52;c;eA==\u0007"}}]})"),
              "items[0]: name 'n1\\x1b]52;c;eA==\\x07' contains a control character or invalid "
              "UTF-8");
    EXPECT_EQ(import_error(R"({"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n1",
        "labels": {"a": "1"}}, "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.1"},
        {"type": "InternalIP", "address": "10.0.0.9", "type": "ExternalIP"}]}}]})"),
              "items[0].status.addresses[1].type: key appears twice");
    // Also inside the bulky fields that are dropped while parsing.
    EXPECT_EQ(import_error(R"({"kind": "Node", "metadata": {"name": "n1",
        "annotations": {"x": "1", "x": "2"}}})"),
              "metadata.annotations.x: key appears twice");
}
