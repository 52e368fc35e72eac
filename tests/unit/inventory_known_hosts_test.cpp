#include "inventory/known_hosts.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace breakglass::inventory;

namespace {

const std::string k_key_a =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpuGpu0";
const std::string k_key_b =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBbbBbbBbbBbbBbbBbbBbbBbbBbbBbbBbbBbbBbbBbb0";

} // namespace

TEST(InventoryKnownHosts, PatternListsUseTheOneGlobDialect) {
    const KnownHosts known = parse_known_hosts("10.0.0.*,!10.0.0.9 " + k_key_a + "\n" +
                                               "[10.0.0.5]:2222,node-? " + k_key_b + "\n");
    ASSERT_EQ(known.entries.size(), 2U) << (known.warnings.empty() ? "" : known.warnings[0]);
    using Keys = std::vector<std::string>;
    EXPECT_EQ(find_known_host_keys(known, "10.0.0.1", 22), Keys{k_key_a});
    // A negated pattern that matches rules the whole line out, as in OpenSSH.
    EXPECT_EQ(find_known_host_keys(known, "10.0.0.9", 22), Keys{});
    EXPECT_EQ(find_known_host_keys(known, "10.0.1.1", 22), Keys{});
    // Another port is looked up as "[host]:port" only; brackets are literal, not a class.
    EXPECT_EQ(find_known_host_keys(known, "10.0.0.5", 2222), Keys{k_key_b});
    EXPECT_EQ(find_known_host_keys(known, "10.0.0.1", 2222), Keys{});
    EXPECT_EQ(find_known_host_keys(known, "node-1", 22), Keys{k_key_b});
    EXPECT_EQ(find_known_host_keys(known, "node-12", 22), Keys{});
}
