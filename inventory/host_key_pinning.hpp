#pragma once

#include "inventory/inventory.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

// How `inventory scan-host-keys` pins, keeps and rotates a node's host keys. During an incident
// a changed key must be a decision (--accept-changed), never a side effect of a scan.

/// What a scan found for one node, compared with its pins.
enum class HostKeyStatus { added, unchanged, changed, unreachable };

/// The status as the JSON report spells it: "new", "unchanged", "changed", "unreachable".
std::string_view to_string(HostKeyStatus status);

/// The key types to ask one node for, one key exchange per entry. Rotating (accept_changed):
/// one per key family (ed25519, ECDSA, RSA), so the new pins are all the node holds. Otherwise
/// one exchange: a pinned node is asked for its pinned types only (the entry holds its pinned
/// keys, whose types count), so a man in the middle offering another type gets no handshake;
/// an unpinned node gets an empty entry (whatever type it prefers).
std::vector<std::vector<std::string>> host_key_requests(const Node& node, bool accept_changed);

/// One key exchange's answer: the public key the node presented ("TYPE BASE64"), or why it
/// could not be asked ("connect: Connection refused", "timeout", ...).
using PresentedHostKey = tl::expected<std::string, std::string>;

/// One node's result, for the report.
struct HostKeyOutcome {
    HostKeyStatus status = HostKeyStatus::unreachable;
    std::vector<std::string> keys;   // what the node presented, checked, without repeats
    std::vector<std::string> pinned; // the node's pins before the scan
    std::string change;              // when rotating: "+TYPE -TYPE ~TYPE" (empty: no change)
    std::string error;               // when unreachable (or a key was unusable)
};

/// Compares what the node presented (the answers to host_key_requests, any order) with its
/// pins and updates `node`: an unpinned node is pinned to what it presented; a pinned node
/// whose keys are all pinned stays so; a pinned node presenting another key is `changed` and
/// keeps its pins unless `accept_changed`, which makes its pins exactly what it presented.
/// Pins that were recorded or confirmed get `now` as host_keys_scanned_at. A node that
/// presented no usable key is `unreachable` with the reason, and is left unchanged.
HostKeyOutcome record_host_keys(Node& node, const std::vector<PresentedHostKey>& presented,
                                TimePoint now, bool accept_changed);

/// The change from `before` to `after` by key type: "+TYPE" added, "-TYPE" removed, "~TYPE"
/// another key of the same type; added and changed in `after`'s order, then removed.
std::string describe_host_key_change(const std::vector<std::string>& before,
                                     const std::vector<std::string>& after);

/// Whether the node fails the scan (exit 1): unreachable, or changed and not recorded.
bool fails_scan(const HostKeyOutcome& outcome, bool accept_changed);

} // namespace breakglass::inventory
