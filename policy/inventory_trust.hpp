#pragma once

#include "playbooks/signature_trust.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace breakglass::policy {

/// The namespace of inventory signatures (`ssh-keygen -Y sign -n breakglass-inventory`): a
/// playbook signature never vouches for an inventory, nor the other way round.
inline constexpr std::string_view k_inventory_namespace = "breakglass-inventory";

/// Where an inventory's signature lives: the inventory's path with ".sig" appended.
std::string inventory_signature_path(const std::string& inventory_path);

/// What the signature beside an inventory says about it.
struct InventorySignature {
    enum class State { verified, missing, refused };
    State state = State::missing;
    playbooks::VerifiedSignature signer; // when verified
    std::string problem;                 // when refused: "bad_signature: ..." and the like
};

/// Checks `signature_text` (nullopt: no signature file) over the exact inventory bytes that will
/// be used, in namespace breakglass-inventory only, against `allowed_signers_text` (nullopt:
/// unreadable, described by `allowed_signers_problem`).
InventorySignature check_inventory_signature(std::string_view inventory_text,
                                             const std::optional<std::string>& signature_text,
                                             const std::optional<std::string>& allowed_signers_text,
                                             const std::string& allowed_signers_problem,
                                             std::chrono::system_clock::time_point now);

/// Whether a run may use the inventory, and the one line to say about it.
struct InventoryVerdict {
    bool allowed = false;
    std::string message; // a warning when allowed (empty when verified), the refusal otherwise
};

/// A verified inventory is always usable. An unsigned or badly signed one is usable with a
/// warning by a run that changes nothing; a run that mutates refuses it unless the responder
/// passed --allow-unsigned-inventory (`allow_unsigned`), and then the warning says so.
InventoryVerdict decide_inventory_use(const InventorySignature& signature, bool mutating,
                                      bool allow_unsigned);

} // namespace breakglass::policy
