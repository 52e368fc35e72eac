#include "config/setting_specs.hpp"

#include "config/paths.hpp"

#include <algorithm>
#include <vector>

namespace breakglass::config {

namespace {

std::function<std::string(const EnvLookup&)> fixed(std::string text) {
    return [text = std::move(text)](const EnvLookup&) { return text; };
}

std::vector<SettingSpec> build_specs() {
    // Defaults bound the tool's own load (see the man page, "LOAD"): the fix must never become
    // the next outage.
    return {
        {"inventory", SettingType::path, "cached node inventory",
         [](const EnvLookup& env) { return (config_dir(env) / "inventory.json").string(); }},
        {"state_dir", SettingType::path, "audit log and playbook version state",
         [](const EnvLookup& env) { return default_state_dir(env).string(); }},
        {"playbooks", SettingType::path,
         "directory searched for playbooks before /etc/breakglass/playbooks and the shipped ones",
         fixed("")},
        {"allowed_signers", SettingType::path,
         "OpenSSH allowed_signers file trusted for playbooks and inventories",
         [](const EnvLookup& env) { return (config_dir(env) / "allowed_signers").string(); }},
        {"known_hosts", SettingType::path, "known_hosts used when a node has no pinned host key",
         [](const EnvLookup& env) { return (home_dir(env) / ".ssh/known_hosts").string(); }},
        {"identity", SettingType::string_list, "SSH private keys to authenticate with", fixed("")},
        {"user", SettingType::string, "login user (else the node's, else the inventory's)",
         fixed("")},
        {"become", SettingType::string,
         "become method: sudo or none (a method, never a command line)", fixed("sudo")},
        {"parallel", SettingType::integer, "SSH sessions in flight", fixed("64"), 1},
        {"jump", SettingType::string,
         "bastion chain 'user@ip:port[,user@ip:port]' (else the node's, else the inventory's)",
         fixed("")},
        {"jump_parallel", SettingType::integer, "channels in flight per bastion", fixed("64"), 1},
        {"rate", SettingType::integer, "new connections per second (0: unlimited)", fixed("100")},
        {"connect_timeout", SettingType::duration, "TCP connect timeout", fixed("5s")},
        {"handshake_timeout", SettingType::duration, "key exchange and authentication timeout",
         fixed("60s")},
        {"timeout", SettingType::duration, "per-command timeout (0: none)", fixed("5m")},
        {"deadline", SettingType::duration, "whole-run deadline (0: none)", fixed("0s")},
        {"max_output", SettingType::size, "output kept per node (the tail is kept)", fixed("1MiB")},
        {"runtime_socket", SettingType::string,
         "containerd's socket on the nodes (empty: /run/containerd/containerd.sock, else "
         "/run/k3s/containerd/containerd.sock)",
         fixed("")},
        {"kubelet_unit", SettingType::string,
         "the kubelet's systemd unit on the nodes (k3s-agent on k3s agents, rke2-agent on RKE2)",
         fixed("kubelet")},
        {"stale_warn", SettingType::duration, "warn when the inventory is older than this",
         fixed("24h")},
        {"stale_refuse", SettingType::duration,
         "refuse an inventory older than this unless --allow-stale", fixed("7d")},
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
