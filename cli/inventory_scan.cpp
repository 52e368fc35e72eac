#include "cli/inventory_scan.hpp"

#include "base/terminal_escape.hpp"
#include "cli/failure.hpp"
#include "cli/inventory_signing.hpp"
#include "cli/run_audit.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "inventory/host_key_pinning.hpp"
#include "inventory/inventory_writer.hpp"
#include "transport/host_key_scan.hpp"

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

namespace {

struct ScanFlags {
    SelectionFlags selection;
    bool accept_changed = false;
    std::string sign_with;
    std::string format;
};

// A node's outcome with its place in the inventory, for the report.
struct Outcome : inventory::HostKeyOutcome {
    std::size_t index = 0;
};

void print_report(const Context& context, const inventory::Inventory& fleet,
                  const std::vector<Outcome>& outcomes, const std::string& path, bool accepted,
                  const std::string& format) {
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const Outcome& outcome : outcomes) {
        ++counts[static_cast<std::size_t>(outcome.status)];
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
                                    {"status", inventory::to_string(outcome.status)},
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
        case inventory::HostKeyStatus::unreachable:
            out << "unreachable  " << base::escape_terminal_line(outcome.error) << '\n';
            break;
        case inventory::HostKeyStatus::changed:
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
                out << (i == 0 ? std::string(inventory::to_string(outcome.status)) + "  " : "    ")
                    << base::escape_terminal_line(outcome.keys[i]) << '\n';
            }
        }
    }
    out << outcomes.size() << " nodes: " << counts[0] << " new, " << counts[1] << " unchanged, "
        << counts[2] << " CHANGED, " << counts[3] << " unreachable\n";
}

// The audit log's view of a scan: each selected node as a target (no login user: the scan never
// authenticates) and, once scanned, its result (the first key it presented, or why not).
std::vector<transport::NodeTarget> audit_targets(const SelectedFleet& selected) {
    std::vector<transport::NodeTarget> targets;
    for (std::size_t index : selected.indices) {
        const inventory::Node& node = selected.inventory.nodes[index];
        transport::NodeTarget target;
        target.name = node.name;
        target.address = node.address;
        target.port = selected.inventory.port_of(node);
        targets.push_back(std::move(target));
    }
    return targets;
}

transport::NodeResult audit_result(const std::vector<inventory::PresentedHostKey>& presented) {
    transport::NodeResult result;
    result.status = transport::NodeStatus::ok;
    for (const inventory::PresentedHostKey& key : presented) {
        if (!key) {
            result.status = transport::NodeStatus::error;
            result.message = key.error();
        } else if (result.host_key.empty()) {
            result.host_key = *key;
        }
    }
    return result;
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
        for (auto& key_types : inventory::host_key_requests(node, flags.accept_changed)) {
            targets.push_back({node.address, fleet.port_of(node), std::move(key_types)});
            owner.push_back(i);
        }
    }
    // Every command that opens sessions is logged: run-start and wave-start on disk first.
    RunAudit audit(context, settings, selected);
    const std::vector<transport::NodeTarget> audited = audit_targets(selected);
    audit.start(audited, transport::NodeJob{}, nullptr);
    if (!audit.wave_start(audited)) {
        audit.finish(audit::EndReason::audit_failed);
        throw Failure(ExitCode::config_or_state,
                      "the audit log could not be written: no node was contacted");
    }
    transport::HostKeyScanOptions options;
    options.parallel = static_cast<int>(settings.integer("parallel"));
    options.connect_timeout = settings.duration("connect_timeout");
    options.handshake_timeout = settings.duration("handshake_timeout");
    const std::vector<transport::ScannedHostKey> scanned =
        transport::scan_host_keys(targets, options);
    std::vector<std::vector<inventory::PresentedHostKey>> per_node(selected.indices.size());
    for (std::size_t t = 0; t < scanned.size(); ++t) {
        per_node[owner[t]].push_back(
            scanned[t].ok ? inventory::PresentedHostKey(scanned[t].public_key)
                          : inventory::PresentedHostKey(tl::unexpect, scanned[t].error));
    }

    for (std::size_t i = 0; i < per_node.size(); ++i) {
        audit.node_finished(i, audit_result(per_node[i]));
    }
    const ExitCode audited_code = audit.finish(audit::EndReason::completed);

    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::vector<Outcome> outcomes;
    bool failed = false;
    for (std::size_t i = 0; i < selected.indices.size(); ++i) {
        Outcome outcome{inventory::record_host_keys(fleet.nodes[selected.indices[i]], per_node[i],
                                                    now, flags.accept_changed),
                        selected.indices[i]};
        failed = failed || inventory::fails_scan(outcome, flags.accept_changed);
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
    context.result = most_severe(failed ? ExitCode::nodes_failed : ExitCode::ok, audited_code);
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
