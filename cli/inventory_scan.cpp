#include "cli/inventory_scan.hpp"

#include "base/terminal_escape.hpp"
#include "cli/failure.hpp"
#include "cli/inventory_signing.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/inventory_writer.hpp"
#include "transport/host_key_scan.hpp"

#include <algorithm>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

namespace {

enum class KeyStatus { added, unchanged, changed, unreachable };

const char* machine_name(KeyStatus status) {
    switch (status) {
    case KeyStatus::added:
        return "new";
    case KeyStatus::unchanged:
        return "unchanged";
    case KeyStatus::changed:
        return "changed";
    case KeyStatus::unreachable:
        return "unreachable";
    }
    return "?";
}

struct ScanFlags {
    SelectionFlags selection;
    bool accept_changed = false;
    std::string sign_with;
    std::string format;
};

struct Outcome {
    std::size_t index = 0;
    KeyStatus status = KeyStatus::unreachable;
    std::vector<std::string> keys;   // what the node presented (one per type asked for)
    std::vector<std::string> pinned; // what was pinned before
    std::string change;              // with --accept-changed: "+TYPE -TYPE ~TYPE"
    std::string error;
};

// With --accept-changed every node is asked once per key family, so the new pin set is all the
// node holds; without it a pinned node is asked only for its pinned types (a man in the middle
// offering another type gets no handshake), and an unpinned one for whatever it prefers.
const std::vector<std::vector<std::string>>& key_families() {
    static const std::vector<std::vector<std::string>> families{
        {"ssh-ed25519"},
        {"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"},
        {"ssh-rsa"}};
    return families;
}

std::vector<std::string> checked_keys(const std::vector<const transport::ScannedHostKey*>& scans,
                                      std::string& error) {
    std::vector<std::string> keys;
    for (const transport::ScannedHostKey* scanned : scans) {
        if (!scanned->ok) {
            error = error.empty() ? scanned->error : error;
            continue;
        }
        auto key = inventory::check_host_key(scanned->public_key);
        if (!key) {
            error = "unusable key: " + key.error();
            continue;
        }
        if (std::find(keys.begin(), keys.end(), *key) == keys.end()) {
            keys.push_back(std::move(*key));
        }
    }
    return keys;
}

// "+ecdsa-sha2-nistp256 -ssh-rsa ~ssh-ed25519": types added, removed, and whose key changed.
std::string describe_change(const std::vector<std::string>& before,
                            const std::vector<std::string>& after) {
    std::string change;
    const auto of_type = [](const std::vector<std::string>& keys, std::string_view type) {
        return std::find_if(keys.begin(), keys.end(), [&](const std::string& key) {
            return inventory::host_key_type(key) == type;
        });
    };
    for (const std::string& key : after) {
        const std::string_view type = inventory::host_key_type(key);
        auto old = of_type(before, type);
        if (old == before.end()) {
            change += (change.empty() ? "+" : " +") + std::string(type);
        } else if (*old != key) {
            change += (change.empty() ? "~" : " ~") + std::string(type);
        }
    }
    for (const std::string& key : before) {
        const std::string_view type = inventory::host_key_type(key);
        if (of_type(after, type) == after.end()) {
            change += (change.empty() ? "-" : " -") + std::string(type);
        }
    }
    return change;
}

// Compares what the node presented with its pins and updates the node. Without
// --accept-changed only an unpinned node gains a pin, and a pinned node was asked for its
// pinned types only; a different key is reported, never recorded: during an incident a changed
// key must be a decision, never a side effect. With it, the node's pins become what it holds.
Outcome compare_and_record(inventory::Node& node,
                           const std::vector<const transport::ScannedHostKey*>& scans,
                           inventory::TimePoint now, bool accept_changed) {
    Outcome outcome;
    outcome.pinned = node.host_keys;
    outcome.keys = checked_keys(scans, outcome.error);
    if (outcome.keys.empty()) {
        if (!node.host_keys.empty() && !accept_changed) {
            outcome.error += " (asked only for the pinned key types)";
        }
        return outcome;
    }
    outcome.error.clear();
    const auto pinned = [&](const std::string& key) {
        return std::find(node.host_keys.begin(), node.host_keys.end(), key) != node.host_keys.end();
    };
    if (accept_changed) {
        outcome.change = describe_change(node.host_keys, outcome.keys);
        outcome.status = node.host_keys.empty()   ? KeyStatus::added
                         : outcome.change.empty() ? KeyStatus::unchanged
                                                  : KeyStatus::changed;
        node.host_keys = outcome.keys;
    } else if (node.host_keys.empty()) {
        outcome.status = KeyStatus::added;
        node.host_keys = outcome.keys;
    } else if (std::all_of(outcome.keys.begin(), outcome.keys.end(), pinned)) {
        outcome.status = KeyStatus::unchanged;
    } else {
        outcome.status = KeyStatus::changed;
        return outcome;
    }
    node.host_keys_scanned_at = now;
    return outcome;
}

void print_report(const Context& context, const inventory::Inventory& fleet,
                  const std::vector<Outcome>& outcomes, const std::string& path, bool accepted,
                  const std::string& format) {
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const Outcome& outcome : outcomes) {
        ++counts[static_cast<int>(outcome.status)];
    }
    if (format == "json") {
        nlohmann::json document = {{"schema_version", 1},
                                   {"inventory", path},
                                   {"changed_recorded", accepted},
                                   {"summary",
                                    {{"new", counts[0]},
                                     {"unchanged", counts[1]},
                                     {"changed", counts[2]},
                                     {"unreachable", counts[3]}}},
                                   {"nodes", nlohmann::json::array()}};
        for (const Outcome& outcome : outcomes) {
            const inventory::Node& node = fleet.nodes[outcome.index];
            nlohmann::json entry = {{"name", node.name},
                                    {"address", node.address},
                                    {"port", fleet.port_of(node)},
                                    {"status", machine_name(outcome.status)},
                                    {"host_key", outcome.keys.empty()
                                                     ? nlohmann::json(nullptr)
                                                     : nlohmann::json(outcome.keys.front())},
                                    {"host_keys", outcome.keys},
                                    {"previous", outcome.pinned}};
            if (!outcome.error.empty()) {
                entry["error"] = outcome.error;
            }
            if (!outcome.change.empty()) {
                entry["change"] = outcome.change;
            }
            document["nodes"].push_back(std::move(entry));
        }
        *context.out << document.dump(2) << '\n';
        return;
    }
    std::ostream& out = *context.out;
    for (const Outcome& outcome : outcomes) {
        const inventory::Node& node = fleet.nodes[outcome.index];
        out << node.name << "  " << node.address << ':' << fleet.port_of(node) << "  ";
        switch (outcome.status) {
        case KeyStatus::unreachable:
            out << "unreachable  " << base::escape_terminal_line(outcome.error) << '\n';
            break;
        case KeyStatus::changed:
            out << "CHANGED" << (outcome.change.empty() ? "" : " (" + outcome.change + ")")
                << (accepted ? " (recorded)" : " (NOT recorded)") << '\n';
            for (const std::string& key : outcome.keys) {
                out << "    now " << base::escape_terminal_line(key) << '\n';
            }
            for (const std::string& pinned : outcome.pinned) {
                out << "    was " << base::escape_terminal_line(pinned) << '\n';
            }
            break;
        default:
            for (std::size_t i = 0; i < outcome.keys.size(); ++i) {
                out << (i == 0 ? std::string(machine_name(outcome.status)) + "  " : "    ")
                    << base::escape_terminal_line(outcome.keys[i]) << '\n';
            }
        }
    }
    out << outcomes.size() << " nodes: " << counts[0] << " new, " << counts[1] << " unchanged, "
        << counts[2] << " CHANGED, " << counts[3] << " unreachable\n";
}

void run_scan(Context& context, const ScanFlags& flags) {
    const config::Settings settings = context.settings();
    // Signing what was read launders it: only a verified inventory (or one the responder
    // explicitly accepts unsigned) is re-signed.
    SelectedFleet selected =
        select_fleet(context, settings, flags.selection,
                     flags.sign_with.empty() ? InventoryUse::listing : InventoryUse::mutating_run);
    inventory::Inventory& fleet = selected.inventory;

    std::vector<transport::HostKeyTarget> targets;
    std::vector<std::size_t> owner; // targets[i] belongs to selected.indices[owner[i]]
    for (std::size_t i = 0; i < selected.indices.size(); ++i) {
        const inventory::Node& node = fleet.nodes[selected.indices[i]];
        if (flags.accept_changed) {
            for (const auto& family : key_families()) {
                targets.push_back({node.address, fleet.port_of(node), family});
                owner.push_back(i);
            }
        } else {
            targets.push_back({node.address, fleet.port_of(node), node.host_keys});
            owner.push_back(i);
        }
    }
    transport::HostKeyScanOptions options;
    options.parallel = static_cast<int>(settings.integer("parallel"));
    options.connect_timeout = settings.duration("connect_timeout");
    options.handshake_timeout = settings.duration("handshake_timeout");
    const std::vector<transport::ScannedHostKey> scanned =
        transport::scan_host_keys(targets, options);
    std::vector<std::vector<const transport::ScannedHostKey*>> per_node(selected.indices.size());
    for (std::size_t t = 0; t < scanned.size(); ++t) {
        per_node[owner[t]].push_back(&scanned[t]);
    }

    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::vector<Outcome> outcomes;
    bool failed = false;
    for (std::size_t i = 0; i < selected.indices.size(); ++i) {
        Outcome outcome = compare_and_record(fleet.nodes[selected.indices[i]], per_node[i], now,
                                             flags.accept_changed);
        outcome.index = selected.indices[i];
        failed = failed || outcome.status == KeyStatus::unreachable ||
                 (outcome.status == KeyStatus::changed && !flags.accept_changed);
        outcomes.push_back(std::move(outcome));
    }
    const std::string& path = settings.text("inventory");
    if (auto saved = inventory::save_inventory(fleet, path); !saved) {
        throw Failure(ExitCode::inventory, saved.error());
    }
    if (!flags.sign_with.empty()) {
        sign_inventory(path, flags.sign_with);
    } else if (drop_stale_signature(path)) {
        *context.err << "breakglass: warning: inventory " << path
                     << " was rewritten unsigned (its old signature is removed); sign it with "
                        "--sign-with KEY\n";
    }
    print_report(context, fleet, outcomes, path, flags.accept_changed, flags.format);
    context.result = failed ? ExitCode::nodes_failed : ExitCode::ok;
}

} // namespace

void register_inventory_scan(CLI::App& inventory_command, Context& context) {
    auto flags = std::make_shared<ScanFlags>();
    auto* scan = inventory_command.add_subcommand(
        "scan-host-keys", "pin each selected node's host key (key exchange only, no login)");
    add_selection_flags(*scan, flags->selection);
    add_setting_flag(*scan, context, "parallel");
    add_setting_flag(*scan, context, "connect_timeout");
    add_setting_flag(*scan, context, "handshake_timeout");
    scan->add_flag("--accept-changed", flags->accept_changed,
                   "ask for every key type and replace each node's pins with what it holds "
                   "(default: ask pinned nodes for their pinned types only, report changes)");
    scan->add_option("--sign-with", flags->sign_with,
                     "sign the rewritten inventory with this key (ssh-keygen -Y sign; a .pub "
                     "file signs with its key in ssh-agent)");
    add_setting_flag(*scan, context, "allowed_signers");
    add_output_flag(*scan, flags->format, {"table", "json"});
    scan->callback([&context, flags] { run_scan(context, *flags); });
}

} // namespace breakglass::cli
