#include "policy/inventory_trust.hpp"

namespace breakglass::policy {

std::string inventory_signature_path(const std::string& inventory_path) {
    return inventory_path + ".sig";
}

InventorySignature check_inventory_signature(std::string_view inventory_text,
                                             const std::optional<std::string>& signature_text,
                                             const std::optional<std::string>& allowed_signers_text,
                                             const std::string& allowed_signers_problem,
                                             std::chrono::system_clock::time_point now) {
    InventorySignature result;
    if (!signature_text) {
        result.state = InventorySignature::State::missing;
        return result;
    }
    result.state = InventorySignature::State::refused;
    if (!allowed_signers_text) {
        result.problem = "unknown_signer: " + allowed_signers_problem;
        return result;
    }
    playbooks::TrustQuery query;
    query.name_space = k_inventory_namespace;
    query.now = now;
    auto verified = playbooks::verify_signature(inventory_text, *signature_text,
                                                std::string_view(*allowed_signers_text), query);
    if (!verified) {
        result.problem = std::string(playbooks::to_string(verified.error().kind)) + ": " +
                         verified.error().message;
        return result;
    }
    result.state = InventorySignature::State::verified;
    result.signer = std::move(*verified);
    return result;
}

InventoryVerdict decide_inventory_use(const InventorySignature& signature, bool mutating,
                                      bool allow_unsigned) {
    using State = InventorySignature::State;
    if (signature.state == State::verified) {
        return {true, ""};
    }
    const std::string what = signature.state == State::missing
                                 ? "is not signed"
                                 : "is badly signed (" + signature.problem + ")";
    if (!mutating) {
        return {true, what + "; accepted for a read-only run"};
    }
    if (allow_unsigned) {
        return {true, what + "; used anyway for a run that changes nodes "
                             "(--allow-unsigned-inventory)"};
    }
    return {false, what + ": a run that changes nodes needs an inventory signed for "
                          "breakglass-inventory by a key in allowed_signers (inventory import "
                          "--sign-with KEY), or --allow-unsigned-inventory"};
}

} // namespace breakglass::policy
