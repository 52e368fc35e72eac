#include "config/setting_specs.hpp"

#include "config/paths.hpp"

#include <algorithm>
#include <vector>

namespace breakglass::config {

namespace {

std::function<std::string(const EnvLookup&)> fixed(std::string text) {
    return [text = std::move(text)](const EnvLookup&) { return text; };
}

// The spec of KEY, its type from k_setting_key_types (which AnyKey checks at compile time).
SettingSpec spec(AnyKey key, std::string description,
                 std::function<std::string(const EnvLookup&)> default_text,
                 std::int64_t min_integer = 0) {
    SettingType type = SettingType::string;
    for (const SettingKeyType& known : k_setting_key_types) {
        if (known.key == key.key()) {
            type = known.type;
        }
    }
    return {std::string(key.key()), type, std::move(description), std::move(default_text),
            min_integer};
}

std::vector<SettingSpec> build_specs() {
    // Defaults bound the tool's own load (see the man page, "LOAD"): the fix must never become
    // the next outage.
    return {
        spec("inventory", "cached node inventory",
             [](const EnvLookup& env) { return (config_dir(env) / "inventory.json").string(); }),
        spec("state_dir", "audit log and playbook version state",
             [](const EnvLookup& env) { return default_state_dir(env).string(); }),
        spec("playbooks",
             "directory searched for playbooks before /etc/breakglass/playbooks and the shipped "
             "ones",
             fixed("")),
        spec("allowed_signers",
             "OpenSSH allowed_signers file trusted for playbooks and inventories",
             [](const EnvLookup& env) { return (config_dir(env) / "allowed_signers").string(); }),
        spec("known_hosts", "known_hosts used when a node has no pinned host key",
             [](const EnvLookup& env) { return (home_dir(env) / ".ssh/known_hosts").string(); }),
        spec("identity", "SSH private keys to authenticate with", fixed("")),
        spec("user", "login user (else the node's, else the inventory's)", fixed("")),
        spec("become", "become method: sudo or none (a method, never a command line)",
             fixed("sudo")),
        spec("parallel", "SSH sessions in flight", fixed("64"), 1),
        spec("jump",
             "bastion chain 'user@ip:port[,user@ip:port]' (else the node's, else the inventory's)",
             fixed("")),
        spec("jump_parallel", "channels in flight per bastion", fixed("64"), 1),
        spec("rate", "new connections per second (0: unlimited)", fixed("100")),
        spec("connect_timeout", "TCP connect timeout", fixed("5s")),
        spec("handshake_timeout", "key exchange and authentication timeout", fixed("60s")),
        spec("timeout", "per-command timeout (0: none)", fixed("5m")),
        spec("deadline", "whole-run deadline (0: none)", fixed("0s")),
        spec("max_output", "output kept per node (the tail is kept)", fixed("1MiB")),
        spec("runtime_socket",
             "containerd's socket on the nodes (empty: /run/containerd/containerd.sock, else "
             "/run/k3s/containerd/containerd.sock)",
             fixed("")),
        spec(
            "kubelet_unit",
            "the kubelet's systemd unit on the nodes (k3s-agent on k3s agents, rke2-agent on RKE2)",
            fixed("kubelet")),
        spec("drill_exercise_daemonsets",
             "DaemonSets (NAMESPACE/NAME) that drill --exercise may freeze and thaw; no other",
             fixed("")),
        spec("stale_warn", "warn when the inventory is older than this", fixed("24h")),
        spec("stale_refuse", "refuse an inventory older than this unless --allow-stale",
             fixed("7d")),
        // The rollout of a mutating run (rollout/README.md): a config file or environment
        // variable may only tighten what the signed playbook (else these defaults) allows.
        spec("canary", "nodes in the canary stage of a mutating run (0: none)", fixed("1")),
        spec("waves", "cumulative shares of the selected nodes per wave, canary included",
             fixed("5%,25%,100%")),
        spec("max_failures", "failed nodes a mutating run tolerates: N or P% of the selected nodes",
             fixed("10%")),
        spec("pause", "pause between the waves of a mutating run", fixed("0s")),
        spec("audit_log", "audit log, one for all runs (empty: STATE_DIR/audit.jsonl)", fixed("")),
        spec("audit_key",
             "SSH key that signs a checkpoint of the audit log at the end of every run (empty: "
             "none)",
             fixed("")),
    };
}

} // namespace

std::span<const SettingSpec> setting_specs() {
    static const std::vector<SettingSpec> specs = build_specs();
    return specs;
}

const SettingSpec* find_setting(const std::string& key) {
    auto specs = setting_specs();
    auto found = std::find_if(specs.begin(), specs.end(),
                              [&](const SettingSpec& spec) { return spec.key == key; });
    return found == specs.end() ? nullptr : &*found;
}

std::string environment_variable_for(const std::string& key) {
    std::string name = "BREAKGLASS_";
    for (char c : key) {
        name += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    return name;
}

std::string flag_for(const std::string& key) {
    std::string flag = "--";
    for (char c : key) {
        flag += c == '_' ? '-' : c;
    }
    return flag;
}

} // namespace breakglass::config
