#pragma once

#include "inventory/string_pool.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace breakglass::inventory {

using TimePoint = std::chrono::sys_seconds;

/// One label as an id into Inventory::label_keys and one into Inventory::label_values.
struct Label {
    std::uint32_t key = 0;
    std::uint32_t value = 0;
};

/// How to reach nodes unless a node says otherwise (cache field "defaults").
struct Defaults {
    std::string user; // empty: the login user comes from settings
    std::uint16_t port = 22;
    std::vector<std::string> identities; // private key paths
    std::string become;                  // empty: the `become` setting applies
    std::string jump;                    // reserved for a bastion; empty: direct
    // Where the container runtime is on the nodes (k3s, RKE2, a custom path): empty, the
    // settings' defaults apply. Used only as playbook parameters, checked by their patterns.
    std::string runtime_socket;
    std::string kubelet_unit;
};

/// One node of the cache. Optional SSH settings are empty/unset when the defaults apply.
struct Node {
    std::string name;
    std::string address; // an IP literal, never a name: no DNS during an incident
    std::optional<std::uint16_t> port;
    std::string user;
    std::vector<Label> labels;          // sorted by key id, one per key (see Inventory::set_label)
    std::vector<std::string> host_keys; // OpenSSH public keys "TYPE BASE64", no comment
    std::optional<TimePoint> host_keys_scanned_at;
    std::string jump;
    std::string runtime_socket; // empty: the inventory's default
    std::string kubelet_unit;   // empty: the inventory's default
};

/// The cached fleet as held in memory: header, nodes in file order, interned label texts.
struct Inventory {
    int schema_version = 1;
    std::string cluster;
    TimePoint captured_at{};
    std::string source; // "kubectl:FILE", "lab:FILE", ...
    Defaults defaults;
    std::vector<Node> nodes;
    // Keys and values are pooled apart so each text is validated once for its own rules.
    StringPool label_keys;
    StringPool label_values;

    /// Sets `key` to `value` on `node`, replacing an existing value; keeps labels sorted.
    void set_label(Node& node, std::string_view key, std::string_view value);

    /// The node's value for `key`, or nullopt when the node lacks the label.
    std::optional<std::string_view> label(const Node& node, std::string_view key) const;

    /// The node's labels as text, ordered by key text (for output that must be stable).
    std::vector<std::pair<std::string_view, std::string_view>>
    labels_by_key(const Node& node) const;

    /// The port to connect to: the node's own, else the default.
    std::uint16_t port_of(const Node& node) const { return node.port.value_or(defaults.port); }
};

/// The value id of `key_id` on `node`, found by binary search, or nullopt.
std::optional<std::uint32_t> find_label(const Node& node, std::uint32_t key_id);

} // namespace breakglass::inventory
