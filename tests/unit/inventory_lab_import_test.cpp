#include "base/rfc3339.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/lab_import.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

using namespace breakglass::inventory;
using breakglass::base::parse_rfc3339;

namespace {

const char* const k_key =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0";

std::filesystem::path write_fleet(const std::string& nodes) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("bg-fleet-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"schema_version": 1, "name": "t", "netns": "bglab-t",
        "dir": "/run/breakglass-lab/t", "client_key": "/run/breakglass-lab/t/client_ed25519",
        "known_hosts": "/run/breakglass-lab/t/known_hosts",
        "users": {"root": "root", "sudo": "bglab", "sudo_password": "bglabpw"},
        "sshds": [], "nodes": [)" +
                               nodes + "]}";
    return path;
}

} // namespace

TEST(InventoryLabImport, PinsKeysAndAssignsDocumentedLabels) {
    const auto path = write_fleet(
        R"({"name": "node0001", "address": "127.1.0.1", "port": 2201, "sshd": 0,
            "host_key": ")" +
        std::string(k_key) + R"( root@lab"},
           {"name": "node0002", "address": "127.1.0.2", "port": 2202, "sshd": 1,
            "host_key": ")" +
        std::string(k_key) + R"("})");
    auto result = import_lab_fleet(path, parse_rfc3339("2026-11-24T08:00:00Z").value());
    std::filesystem::remove(path);
    ASSERT_TRUE(result.has_value()) << result.error();
    const Inventory& inventory = result->inventory;
    EXPECT_EQ(inventory.cluster, "lab-t");
    EXPECT_EQ(inventory.defaults.user, "root");
    EXPECT_EQ(inventory.defaults.identities,
              std::vector<std::string>{"/run/breakglass-lab/t/client_ed25519"});
    ASSERT_EQ(inventory.nodes.size(), 2U);
    const Node& first = inventory.nodes[0];
    EXPECT_EQ(inventory.port_of(first), 2201);
    EXPECT_EQ(first.host_keys, std::vector<std::string>{k_key}); // the comment is dropped
    EXPECT_EQ(inventory.label(first, "kubernetes.io/hostname"), "node0001");
    EXPECT_EQ(inventory.label(first, "lab.breakglass.dev/sshd"), "0");
    EXPECT_EQ(inventory.label(first, "node-role.kubernetes.io/worker"), "");
    EXPECT_FALSE(inventory.label(first, "node-role.kubernetes.io/gpu").has_value());
    EXPECT_EQ(inventory.label(inventory.nodes[1], "node-role.kubernetes.io/gpu"), "");
}

TEST(InventoryLabImport, ErrorsNameTheNode) {
    const auto path = write_fleet(R"({"name": "node0001", "address": "lab-host", "port": 2201,
                                      "sshd": 0, "host_key": "x"})");
    auto result = import_lab_fleet(path, {});
    std::filesystem::remove(path);
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().find("node 'node0001': address 'lab-host' is not an IP address"),
              std::string::npos)
        << result.error();
    EXPECT_FALSE(import_lab_fleet("/nonexistent/fleet.json", {}).has_value());
}

TEST(InventoryLabImport, HostileNamesAndRepeatedKeysAreRefused) {
    const auto hostile = write_fleet(R"({"name": "node\r0001", "address": "127.1.0.1",
                                         "port": 2201, "sshd": 0, "host_key": "x"})");
    auto refused = import_lab_fleet(hostile, {});
    std::filesystem::remove(hostile);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().find("nodes[0]: name 'node\\r0001' contains a control character"),
              std::string::npos)
        << refused.error();
    const auto repeated = write_fleet(R"({"name": "node0001", "address": "127.1.0.1",
                                          "address": "127.1.0.2", "port": 2201, "sshd": 0,
                                          "host_key": "x"})");
    auto twice = import_lab_fleet(repeated, {});
    std::filesystem::remove(repeated);
    ASSERT_FALSE(twice.has_value());
    EXPECT_NE(twice.error().find("nodes[0].address: key appears twice"), std::string::npos)
        << twice.error();
}
