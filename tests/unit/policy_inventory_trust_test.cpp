#include "playbooks_test_fixtures.hpp"
#include "policy/inventory_trust.hpp"

#include <gtest/gtest.h>

using namespace breakglass::policy;
using breakglass::playbooks::testing::fixture;
using breakglass::playbooks::testing::public_key_line;

namespace {

const std::chrono::system_clock::time_point k_2026_06 =
    std::chrono::system_clock::time_point(std::chrono::seconds(1780000000));

InventorySignature with_state(InventorySignature::State state) {
    InventorySignature signature;
    signature.state = state;
    signature.problem = "bad_signature: the signature does not match";
    return signature;
}

} // namespace

TEST(InventoryTrust, APlaybookSignatureNeverVouchesForAnInventory) {
    // A real breakglass-playbook signature by a key trusted for every namespace.
    const std::string allowed = "alice@example.com " + public_key_line("ed25519") + "\n";
    auto checked = check_inventory_signature(
        fixture("playbook.yaml"), fixture("playbook.ed25519.sha512.sig"), allowed, "", k_2026_06);
    EXPECT_EQ(checked.state, InventorySignature::State::refused);
    EXPECT_TRUE(checked.problem.starts_with("namespace:")) << checked.problem;
}

TEST(InventoryTrust, NoSignatureFileIsMissingAndNoSignersIsRefused) {
    EXPECT_EQ(check_inventory_signature("{}", std::nullopt, "", "", k_2026_06).state,
              InventorySignature::State::missing);
    auto checked = check_inventory_signature("{}", fixture("playbook.ed25519.sha512.sig"),
                                             std::nullopt, "allowed_signers /x: absent", k_2026_06);
    EXPECT_EQ(checked.state, InventorySignature::State::refused);
    EXPECT_NE(checked.problem.find("allowed_signers /x"), std::string::npos) << checked.problem;
    EXPECT_EQ(check_inventory_signature("{}", std::string("garbage"), "", "", k_2026_06).state,
              InventorySignature::State::refused);
}

TEST(InventoryTrust, OnlyAVerifiedInventoryServesAMutatingRunUnlessAllowed) {
    using State = InventorySignature::State;
    const auto verified = with_state(State::verified);
    const auto missing = with_state(State::missing);
    const auto refused = with_state(State::refused);
    // verified: always, silently
    for (bool mutating : {false, true}) {
        auto verdict = decide_inventory_use(verified, mutating, false);
        EXPECT_TRUE(verdict.allowed);
        EXPECT_TRUE(verdict.message.empty());
    }
    for (const auto* signature : {&missing, &refused}) {
        // read-only: allowed, one warning
        auto read_only = decide_inventory_use(*signature, false, false);
        EXPECT_TRUE(read_only.allowed);
        EXPECT_NE(read_only.message.find("read-only"), std::string::npos) << read_only.message;
        // mutating: refused, saying how to proceed
        auto mutating = decide_inventory_use(*signature, true, false);
        EXPECT_FALSE(mutating.allowed);
        EXPECT_NE(mutating.message.find("--allow-unsigned-inventory"), std::string::npos);
        // mutating with the flag: allowed, and the warning names the flag
        auto allowed = decide_inventory_use(*signature, true, true);
        EXPECT_TRUE(allowed.allowed);
        EXPECT_NE(allowed.message.find("--allow-unsigned-inventory"), std::string::npos);
    }
    EXPECT_NE(decide_inventory_use(refused, true, false).message.find("bad_signature"),
              std::string::npos);
}

TEST(InventoryTrust, TheSignatureLivesBesideTheInventory) {
    EXPECT_EQ(inventory_signature_path("/a/inventory.json"), "/a/inventory.json.sig");
}
