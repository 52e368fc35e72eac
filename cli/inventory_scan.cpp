#include "cli/inventory_scan.hpp"

#include "base/terminal_escape.hpp"
#include "cli/failure.hpp"
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
    std::string format;
};

struct Outcome {
    std::size_t index = 0;
    KeyStatus status = KeyStatus::unreachable;
    std::string key;                 // what the node presented
    std::vector<std::string> pinned; // what was pinned before
    std::string error;
};

// Compares what the node presented with its pins and updates the node. A key of a type not yet
// pinned is added; a different key of a pinned type is a change, recorded only when accepted:
// during an incident a changed key must be a decision, never a side effect.
Outcome compare_and_record(inventory::Node& node, const transport::ScannedHostKey& scanned,
                           inventory::TimePoint now, bool accept_changed) {
    Outcome outcome;
    outcome.pinned = node.host_keys;
    if (!scanned.ok) {
        outcome.error = scanned.error;
        return outcome;
    }
    auto key = inventory::check_host_key(scanned.public_key);
    if (!key) {
        outcome.error = "unusable key: " + key.error();
        return outcome;
    }
    outcome.key = *key;
    const std::string_view type = inventory::host_key_type(outcome.key);
    const auto same_type = [&](const std::string& pinned) {
        return inventory::host_key_type(pinned) == type;
    };
    if (std::find(node.host_keys.begin(), node.host_keys.end(), outcome.key) !=
        node.host_keys.end()) {
        outcome.status = KeyStatus::unchanged;
    } else if (std::any_of(node.host_keys.begin(), node.host_keys.end(), same_type)) {
        outcome.status = KeyStatus::changed;
        if (!accept_changed) {
            return outcome;
        }
        std::erase_if(node.host_keys, same_type);
        node.host_keys.push_back(outcome.key);
    } else {
        outcome.status = KeyStatus::added;
        node.host_keys.push_back(outcome.key);
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
                                    {"host_key", outcome.key.empty() ? nlohmann::json(nullptr)
                                                                     : nlohmann::json(outcome.key)},
                                    {"previous", outcome.pinned}};
            if (!outcome.error.empty()) {
                entry["error"] = outcome.error;
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
            out << "CHANGED  now " << base::escape_terminal_line(outcome.key)
                << (accepted ? " (recorded)" : " (NOT recorded)") << '\n';
            for (const std::string& pinned : outcome.pinned) {
                out << "    was " << base::escape_terminal_line(pinned) << '\n';
            }
            break;
        default:
            out << machine_name(outcome.status) << "  " << base::escape_terminal_line(outcome.key)
                << '\n';
        }
    }
    out << outcomes.size() << " nodes: " << counts[0] << " new, " << counts[1] << " unchanged, "
        << counts[2] << " CHANGED, " << counts[3] << " unreachable\n";
}

void run_scan(Context& context, const ScanFlags& flags) {
    const config::Settings settings = context.settings();
    SelectedFleet selected = select_fleet(context, settings, flags.selection);
    inventory::Inventory& fleet = selected.inventory;

    std::vector<transport::HostKeyTarget> targets;
    for (std::size_t index : selected.indices) {
        targets.push_back({fleet.nodes[index].address, fleet.port_of(fleet.nodes[index])});
    }
    transport::HostKeyScanOptions options;
    options.parallel = static_cast<int>(settings.integer("parallel"));
    options.connect_timeout = settings.duration("connect_timeout");
    options.handshake_timeout = settings.duration("handshake_timeout");
    const std::vector<transport::ScannedHostKey> scanned =
        transport::scan_host_keys(targets, options);

    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::vector<Outcome> outcomes;
    bool failed = false;
    for (std::size_t i = 0; i < selected.indices.size(); ++i) {
        Outcome outcome = compare_and_record(fleet.nodes[selected.indices[i]], scanned[i], now,
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
                   "record keys that differ from the pinned ones (default: report only)");
    add_output_flag(*scan, flags->format, {"table", "json"});
    scan->callback([&context, flags] { run_scan(context, *flags); });
}

} // namespace breakglass::cli
