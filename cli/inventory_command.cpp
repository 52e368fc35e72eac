#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"
#include "cli/commands.hpp"
#include "cli/failure.hpp"
#include "cli/inventory_scan.hpp"
#include "cli/inventory_signing.hpp"
#include "cli/selection_flags.hpp"
#include "cli/setting_flags.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/inventory_writer.hpp"
#include "inventory/known_hosts.hpp"
#include "inventory/kubectl_import.hpp"
#include "inventory/lab_import.hpp"
#include "inventory/node_set.hpp"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

namespace {

struct ImportFlags {
    std::string kubectl;
    std::string lab;
    std::string cluster;
    std::string user = "root";
    int port = 22;
    std::string known_hosts;
    std::string captured_at;
    std::string out;
    std::string sign_with;
};

inventory::TimePoint captured_time(const std::string& text) {
    if (text.empty()) {
        return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    }
    auto parsed = base::parse_rfc3339(text);
    if (!parsed) {
        throw Failure(ExitCode::usage, "--captured-at: " + parsed.error());
    }
    return *parsed;
}

void run_import(const Context& context, const ImportFlags& flags) {
    if (flags.kubectl.empty() == flags.lab.empty()) {
        throw Failure(ExitCode::usage, "inventory import needs exactly one of --kubectl or --lab");
    }
    if (!flags.lab.empty() && !flags.known_hosts.empty()) {
        throw Failure(ExitCode::usage,
                      "--known-hosts applies to --kubectl: the lab description pins its own keys");
    }
    if (!flags.kubectl.empty() && flags.cluster.empty()) {
        throw Failure(ExitCode::usage, "inventory import --kubectl needs --cluster NAME");
    }
    const inventory::TimePoint captured_at = captured_time(flags.captured_at);
    const std::string out = flags.out.empty() ? context.settings().text("inventory") : flags.out;

    tl::expected<inventory::ImportResult, std::string> imported;
    std::unique_ptr<inventory::KnownHosts> known_hosts;
    if (!flags.known_hosts.empty()) {
        auto loaded = inventory::load_known_hosts(flags.known_hosts);
        if (!loaded) {
            throw Failure(ExitCode::inventory, loaded.error());
        }
        known_hosts = std::make_unique<inventory::KnownHosts>(std::move(*loaded));
        for (const std::string& warning : known_hosts->warnings) {
            *context.err << "breakglass: warning: " << base::escape_terminal_line(warning) << '\n';
        }
    }
    if (!flags.kubectl.empty()) {
        inventory::ImportOptions options{flags.cluster,
                                         "kubectl:" + flags.kubectl,
                                         captured_at,
                                         flags.user,
                                         static_cast<std::uint16_t>(flags.port),
                                         known_hosts.get()};
        imported = inventory::import_kubectl_file(flags.kubectl, options);
    } else {
        imported = inventory::import_lab_fleet(flags.lab, captured_at);
        if (imported && !flags.cluster.empty()) {
            imported->inventory.cluster = flags.cluster;
        }
    }
    if (!imported) {
        throw Failure(ExitCode::inventory, imported.error());
    }
    for (const std::string& warning : imported->warnings) {
        *context.err << "breakglass: warning: " << base::escape_terminal_line(warning) << '\n';
    }
    if (auto saved = inventory::save_inventory(imported->inventory, out); !saved) {
        throw Failure(ExitCode::inventory, saved.error());
    }
    if (!flags.sign_with.empty()) {
        sign_inventory(out, flags.sign_with);
    } else {
        drop_stale_signature(out); // it signed other bytes: leave no doubt that this is unsigned
    }
    const inventory::Inventory& fleet = imported->inventory;
    std::size_t pinned = 0;
    for (const inventory::Node& node : fleet.nodes) {
        pinned += node.host_keys.empty() ? 0U : 1U;
    }
    *context.out << "imported " << fleet.nodes.size() << " nodes (" << pinned
                 << " with pinned host keys) of cluster "
                 << base::escape_terminal_line(fleet.cluster) << " into "
                 << base::escape_terminal_line(out) << ", captured "
                 << base::format_rfc3339(fleet.captured_at)
                 << (flags.sign_with.empty() ? ", unsigned" : ", signed into " + out + ".sig")
                 << '\n';
}

// `inventory verify`: exit 0 only for an inventory signed for breakglass-inventory by a key
// allowed_signers trusts; 3 for an unsigned or badly signed one.
void run_verify(const Context& context) {
    const config::Settings settings = context.settings();
    const std::string& path = settings.text("inventory");
    const CheckedInventory checked = load_checked_inventory(settings, path);
    using State = policy::InventorySignature::State;
    switch (checked.signature.state) {
    case State::verified:
        *context.out << "inventory " << path << " (cluster " << checked.inventory.cluster << ", "
                     << checked.inventory.nodes.size() << " nodes): signed by "
                     << checked.signature.signer.principal << " ("
                     << checked.signature.signer.fingerprint << "), allowed_signers "
                     << settings.text("allowed_signers") << " line "
                     << checked.signature.signer.allowed_signers_line << '\n';
        return;
    case State::missing:
        throw Failure(ExitCode::inventory, "inventory " + path + " is not signed (no " +
                                               policy::inventory_signature_path(path) + ")");
    case State::refused:
        break;
    }
    throw Failure(ExitCode::inventory,
                  "inventory " + path + " is badly signed (" + checked.signature.problem + ")");
}

std::string joined_labels(const inventory::Inventory& fleet, const inventory::Node& node) {
    std::string text;
    for (const auto& [key, value] : fleet.labels_by_key(node)) {
        text += (text.empty() ? "" : ",") + std::string(key) + "=" + std::string(value);
    }
    return text;
}

nlohmann::json node_json(const inventory::Inventory& fleet, const inventory::Node& node) {
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [key, value] : fleet.labels_by_key(node)) {
        labels[std::string(key)] = value;
    }
    return {{"name", node.name},
            {"address", node.address},
            {"port", fleet.port_of(node)},
            {"user", node.user.empty() ? fleet.defaults.user : node.user},
            {"labels", std::move(labels)},
            {"host_keys", node.host_keys},
            {"host_keys_scanned_at",
             node.host_keys_scanned_at
                 ? nlohmann::json(base::format_rfc3339(*node.host_keys_scanned_at))
                 : nlohmann::json(nullptr)}};
}

void run_list(const Context& context, const SelectionFlags& flags, const std::string& format) {
    const config::Settings settings = context.settings();
    const SelectedFleet selected = select_fleet(context, settings, flags);
    const inventory::Inventory& fleet = selected.inventory;
    std::vector<std::string_view> names;
    for (std::size_t index : selected.indices) {
        names.push_back(fleet.nodes[index].name);
    }
    const std::string nodeset = inventory::fold_node_set(names);
    if (format == "json") {
        const auto age =
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) -
            fleet.captured_at;
        nlohmann::json document = {{"schema_version", 1},
                                   {"inventory",
                                    {{"path", settings.text("inventory")},
                                     {"cluster", fleet.cluster},
                                     {"source", fleet.source},
                                     {"captured_at", base::format_rfc3339(fleet.captured_at)},
                                     {"age_seconds", age.count()},
                                     {"node_count", fleet.nodes.size()}}},
                                   {"count", selected.indices.size()},
                                   {"nodeset", nodeset},
                                   {"nodes", nlohmann::json::array()}};
        for (std::size_t index : selected.indices) {
            document["nodes"].push_back(node_json(fleet, fleet.nodes[index]));
        }
        *context.out << document.dump(2) << '\n';
        return;
    }
    std::size_t name_width = 4;
    std::size_t address_width = 7;
    for (std::size_t index : selected.indices) {
        const inventory::Node& node = fleet.nodes[index];
        name_width = std::max(name_width, node.name.size());
        address_width = std::max(address_width, node.address.size());
    }
    std::ostream& out = *context.out;
    out << std::left << std::setw(int(name_width + 2)) << "NAME"
        << std::setw(int(address_width + 2)) << "ADDRESS" << std::setw(7) << "PORT" << std::setw(6)
        << "KEYS"
        << "LABELS\n";
    for (std::size_t index : selected.indices) {
        const inventory::Node& node = fleet.nodes[index];
        out << std::setw(int(name_width + 2)) << node.name << std::setw(int(address_width + 2))
            << node.address << std::setw(7) << fleet.port_of(node) << std::setw(6)
            << node.host_keys.size() << joined_labels(fleet, node) << '\n';
    }
    out << selected.indices.size() << " of " << fleet.nodes.size() << " nodes: " << nodeset << '\n';
}

} // namespace

void register_inventory(CLI::App& app, Context& context) {
    auto* command = app.add_subcommand("inventory", "import, list and pin the cached fleet");
    command->require_subcommand(1);

    auto import_flags = std::make_shared<ImportFlags>();
    auto* import = command->add_subcommand(
        "import", "build the inventory from 'kubectl get nodes -o json' or the lab fleet");
    import->add_option("--kubectl", import_flags->kubectl,
                       "file holding 'kubectl get nodes -o json' output");
    import->add_option("--lab", import_flags->lab, "lab fleet description (fleet.json)");
    import->add_option("--cluster", import_flags->cluster, "cluster name recorded in the cache");
    import->add_option("--user", import_flags->user, "default login user (default root)");
    import->add_option("--port", import_flags->port, "default SSH port (default 22)")
        ->check(CLI::Range(1, 65535));
    import->add_option("--known-hosts", import_flags->known_hosts,
                       "OpenSSH known_hosts file to pin host keys from");
    import->add_option("--captured-at", import_flags->captured_at,
                       "RFC 3339 time the source was captured (default now)");
    import->add_option("-O,--out", import_flags->out,
                       "file to write (default: the inventory setting)");
    import->add_option("--sign-with", import_flags->sign_with,
                       "sign the written inventory with this key (ssh-keygen -Y sign -n "
                       "breakglass-inventory; a .pub file signs with its key in ssh-agent)");
    import->callback([&context, import_flags] { run_import(context, *import_flags);
});

auto list_flags = std::make_shared<SelectionFlags>();
auto format = std::make_shared<std::string>();
auto* list = command->add_subcommand("list", "print the selected nodes");
add_selection_flags(*list, *list_flags);
add_output_flag(*list, *format, {"table", "json"});
list->callback([&context, list_flags, format] { run_list(context, *list_flags, *format); });

auto* verify = command->add_subcommand(
    "verify", "check the inventory's signature (PATH.sig) against allowed_signers");
add_setting_flag(*verify, context, "allowed_signers");
verify->callback([&context] { run_verify(context); });

register_inventory_scan(*command, context);
} // namespace breakglass::cli

} // namespace breakglass::cli
