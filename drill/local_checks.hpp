#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace breakglass::drill {

// What the drill checks on this machine, before any node: facts gathered by cli/ (which reads
// the files), judged here.

/// The inventory the drill used.
struct InventoryCheck {
    std::string path;
    std::chrono::sys_seconds captured_at{};
    bool signature_verified = false;
    std::string signature_problem; // "missing", or the refusal, when not verified
    std::string signer;            // principal, when verified
    /// The signer's allowed_signers valid-before, when verified and the line has one.
    std::optional<std::chrono::sys_seconds> signer_valid_before;
    std::size_t nodes = 0;
    std::size_t pinned = 0; // nodes with at least one pinned host key
};

/// One playbook found where the CLI looks for playbooks (configured and shipped).
struct PlaybookCheck {
    std::string name; // file name without .json
    std::string path;
    std::string problem; // empty when it verifies for the inventory's cluster
    /// The earlier of its `expires` and its signer's valid-before, when it verifies.
    std::optional<std::chrono::sys_seconds> valid_until;
};

/// One line of allowed_signers.
struct SignerCheck {
    std::string principals;
    std::size_t line = 0;
    std::optional<std::chrono::sys_seconds> valid_before;
};

/// One line per thing that expires within `within` of `now` (or has expired): the playbooks
/// that verify (one line for all of them: "playbook daemonset-freeze expires in 20h
/// (2026-12-07T12:00:00Z)", or "3 playbooks expire within 14d: a expires in ..., b ..."),
/// each trusted signer, the inventory's signer.
std::vector<std::string> expiry_warnings(const InventoryCheck& inventory,
                                         const std::vector<PlaybookCheck>& playbooks,
                                         const std::vector<SignerCheck>& signers,
                                         std::chrono::sys_seconds now, std::chrono::seconds within);

/// "3d 4h", "20h", "5m", "40s": how long until `later` (negative: "expired 2h ago" is the
/// caller's wording), for humans.
std::string describe_span(std::chrono::seconds span);

} // namespace breakglass::drill
