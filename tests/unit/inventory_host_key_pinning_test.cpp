#include "inventory/host_key_pinning.hpp"

#include <gtest/gtest.h>

using namespace breakglass::inventory;

namespace {

// Well-formed OpenSSH key lines; only their form and type matter to the pinning rules.
const std::string k_ed25519_a = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const std::string k_ed25519_b = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBB";
const std::string k_ecdsa = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI";
const std::string k_rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAB";

const TimePoint k_now{std::chrono::seconds(1780000000)};
const TimePoint k_earlier{std::chrono::seconds(1700000000)};

Node pinned_to(std::vector<std::string> keys) {
    Node node;
    node.name = "n1";
    node.address = "10.0.0.1";
    node.host_keys = std::move(keys);
    if (!node.host_keys.empty()) {
        node.host_keys_scanned_at = k_earlier;
    }
    return node;
}

PresentedHostKey refused(const std::string& why) {
    return PresentedHostKey(tl::unexpect, why);
}

} // namespace

TEST(HostKeyPinning, StatusSpellingsAreTheJsonContract) {
    EXPECT_EQ(to_string(HostKeyStatus::added), "new");
    EXPECT_EQ(to_string(HostKeyStatus::unchanged), "unchanged");
    EXPECT_EQ(to_string(HostKeyStatus::changed), "changed");
    EXPECT_EQ(to_string(HostKeyStatus::unreachable), "unreachable");
}

TEST(HostKeyPinning, APinnedNodeIsAskedForItsPinnedTypesOnly) {
    const Node node = pinned_to({k_ed25519_a, k_rsa});
    const auto requests = host_key_requests(node, false);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0], (std::vector<std::string>{k_ed25519_a, k_rsa}));
}

TEST(HostKeyPinning, AnUnpinnedNodeIsAskedForWhateverItPrefers) {
    const auto requests = host_key_requests(pinned_to({}), false);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_TRUE(requests[0].empty());
}

TEST(HostKeyPinning, RotatingAsksOncePerKeyFamilyWhateverIsPinned) {
    const std::vector<std::vector<std::string>> families{
        {"ssh-ed25519"},
        {"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"},
        {"ssh-rsa"}};
    EXPECT_EQ(host_key_requests(pinned_to({k_ed25519_a}), true), families);
    EXPECT_EQ(host_key_requests(pinned_to({}), true), families);
}

TEST(HostKeyPinning, AnUnpinnedNodeIsPinnedToWhatItPresented) {
    Node node = pinned_to({});
    const HostKeyOutcome outcome = record_host_keys(node, {k_ed25519_a + "\n"}, k_now, false);
    EXPECT_EQ(outcome.status, HostKeyStatus::added);
    EXPECT_EQ(outcome.keys, std::vector<std::string>{k_ed25519_a}); // checked: trimmed
    EXPECT_TRUE(outcome.pinned.empty());
    EXPECT_EQ(node.host_keys, std::vector<std::string>{k_ed25519_a});
    EXPECT_EQ(node.host_keys_scanned_at, k_now);
    EXPECT_FALSE(fails_scan(outcome, false));
}

TEST(HostKeyPinning, APinnedKeySeenAgainIsUnchangedAndItsScanTimeMoves) {
    Node node = pinned_to({k_ed25519_a, k_rsa});
    const HostKeyOutcome outcome = record_host_keys(node, {k_rsa}, k_now, false);
    EXPECT_EQ(outcome.status, HostKeyStatus::unchanged);
    EXPECT_EQ(node.host_keys, (std::vector<std::string>{k_ed25519_a, k_rsa}));
    EXPECT_EQ(node.host_keys_scanned_at, k_now);
    EXPECT_TRUE(outcome.change.empty());
    EXPECT_FALSE(fails_scan(outcome, false));
}

TEST(HostKeyPinning, AChangedKeyIsReportedNeverRecordedWithoutAcceptChanged) {
    Node node = pinned_to({k_ed25519_a});
    const HostKeyOutcome outcome = record_host_keys(node, {k_ed25519_b}, k_now, false);
    EXPECT_EQ(outcome.status, HostKeyStatus::changed);
    EXPECT_EQ(outcome.keys, std::vector<std::string>{k_ed25519_b});
    EXPECT_EQ(outcome.pinned, std::vector<std::string>{k_ed25519_a});
    EXPECT_TRUE(outcome.change.empty()); // described only when rotating
    EXPECT_EQ(node.host_keys, std::vector<std::string>{k_ed25519_a});
    EXPECT_EQ(node.host_keys_scanned_at, k_earlier);
    EXPECT_TRUE(fails_scan(outcome, false));
}

TEST(HostKeyPinning, OneUnpinnedKeyAmongPinnedOnesIsAChange) {
    Node node = pinned_to({k_ed25519_a});
    const HostKeyOutcome outcome = record_host_keys(node, {k_ed25519_a, k_ecdsa}, k_now, false);
    EXPECT_EQ(outcome.status, HostKeyStatus::changed);
    EXPECT_EQ(node.host_keys, std::vector<std::string>{k_ed25519_a});
}

TEST(HostKeyPinning, AcceptChangedMakesThePinsExactlyWhatTheNodeHolds) {
    Node node = pinned_to({k_ed25519_a, k_rsa});
    const HostKeyOutcome outcome =
        record_host_keys(node, {k_ed25519_b, k_ecdsa, refused("no rsa key")}, k_now, true);
    EXPECT_EQ(outcome.status, HostKeyStatus::changed);
    EXPECT_EQ(outcome.change, "~ssh-ed25519 +ecdsa-sha2-nistp256 -ssh-rsa");
    EXPECT_EQ(outcome.pinned, (std::vector<std::string>{k_ed25519_a, k_rsa}));
    EXPECT_EQ(node.host_keys, (std::vector<std::string>{k_ed25519_b, k_ecdsa}));
    EXPECT_EQ(node.host_keys_scanned_at, k_now);
    EXPECT_TRUE(outcome.error.empty()); // a family the node lacks is no error
    EXPECT_FALSE(fails_scan(outcome, true));
}

TEST(HostKeyPinning, AcceptChangedWithTheSameKeysIsUnchanged) {
    Node node = pinned_to({k_ed25519_a});
    const HostKeyOutcome outcome =
        record_host_keys(node, {k_ed25519_a, refused("x"), refused("y")}, k_now, true);
    EXPECT_EQ(outcome.status, HostKeyStatus::unchanged);
    EXPECT_TRUE(outcome.change.empty());
    EXPECT_EQ(node.host_keys_scanned_at, k_now);
}

TEST(HostKeyPinning, AcceptChangedOnAnUnpinnedNodeIsNew) {
    Node node = pinned_to({});
    const HostKeyOutcome outcome = record_host_keys(node, {k_rsa, k_ed25519_a}, k_now, true);
    EXPECT_EQ(outcome.status, HostKeyStatus::added);
    EXPECT_EQ(outcome.change, "+ssh-rsa +ssh-ed25519");
    EXPECT_EQ(node.host_keys, (std::vector<std::string>{k_rsa, k_ed25519_a}));
}

TEST(HostKeyPinning, ANodeThatPresentedNothingIsUnreachableAndUntouched) {
    Node node = pinned_to({k_ed25519_a});
    const HostKeyOutcome outcome = record_host_keys(
        node, {refused("connect: Connection refused"), refused("timeout")}, k_now, false);
    EXPECT_EQ(outcome.status, HostKeyStatus::unreachable);
    EXPECT_EQ(outcome.error, "connect: Connection refused (asked only for the pinned key types)");
    EXPECT_EQ(node.host_keys, std::vector<std::string>{k_ed25519_a});
    EXPECT_EQ(node.host_keys_scanned_at, k_earlier);
    EXPECT_TRUE(fails_scan(outcome, false));
    EXPECT_TRUE(fails_scan(outcome, true));

    Node unpinned = pinned_to({});
    const HostKeyOutcome plain = record_host_keys(unpinned, {refused("timeout")}, k_now, false);
    EXPECT_EQ(plain.error, "timeout");
    EXPECT_FALSE(unpinned.host_keys_scanned_at.has_value());
}

TEST(HostKeyPinning, AnUnusableKeyIsNeverPinned) {
    Node node = pinned_to({});
    const HostKeyOutcome outcome =
        record_host_keys(node, {"ssh-ed25519 AAAA comment"}, k_now, false);
    EXPECT_EQ(outcome.status, HostKeyStatus::unreachable);
    EXPECT_TRUE(outcome.error.starts_with("unusable key: ")) << outcome.error;
    EXPECT_TRUE(node.host_keys.empty());
}

TEST(HostKeyPinning, RepeatedKeysAreKeptOnce) {
    Node node = pinned_to({});
    record_host_keys(node, {k_ed25519_a, k_ed25519_a + " "}, k_now, true);
    EXPECT_EQ(node.host_keys, std::vector<std::string>{k_ed25519_a});
}

TEST(HostKeyPinning, ChangeDescriptionListsAddedAndChangedThenRemoved) {
    EXPECT_EQ(describe_host_key_change({}, {}), "");
    EXPECT_EQ(describe_host_key_change({k_rsa}, {k_rsa}), "");
    EXPECT_EQ(describe_host_key_change({k_rsa, k_ed25519_a}, {k_ed25519_b}),
              "~ssh-ed25519 -ssh-rsa");
    EXPECT_EQ(describe_host_key_change({k_ed25519_a}, {k_ecdsa, k_ed25519_a}),
              "+ecdsa-sha2-nistp256");
}
