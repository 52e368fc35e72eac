#include "cli/selection_flags.hpp"

#include "base/bounded_read.hpp"
#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"
#include "cli/failure.hpp"
#include "cli/inventory_signing.hpp"
#include "config/units.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/inventory_loader.hpp"
#include "inventory/node_list.hpp"
#include "inventory/selection.hpp"
#include "inventory/staleness.hpp"
#include "policy/connection_plan.hpp"

#include <ostream>

namespace breakglass::cli {

void add_selection_flags(CLI::App& command, SelectionFlags& flags) {
    command.add_option("-l,--selector", flags.selector,
                       "Kubernetes label selector, e.g. 'role=worker,zone in (a,b)'");
    // One word per -w/-x, as in pdsh and clush (repeat the flag for more): a second word is
    // never taken as a node set, so a printed continue command can drop exactly one.
    command
        .add_option("-w,--nodes", flags.nodes,
                    "node set, e.g. 'node[001-100,205]' or 'gpu-*'; ^FILE: the names in FILE")
        ->expected(1);
    command.add_option("-x,--exclude", flags.exclude, "node set to leave out (^FILE as -w)")
        ->expected(1);
    command.add_option("--limit", flags.limit, "at most this many nodes (the first selected)")
        ->check(CLI::PositiveNumber);
    command.add_flag("--strict-selection", flags.strict,
                     "a -w/-x range that covers names the inventory lacks is an error");
    command.add_flag("--allow-stale", flags.allow_stale,
                     "use an inventory older than stale_refuse");
    command.add_flag("--allow-unsigned-inventory", flags.allow_unsigned_inventory,
                     "let a run that changes nodes use an inventory without a valid "
                     "breakglass-inventory signature (the run header says so)");
}

namespace {

// The selection as flags, e.g. "-l role=worker -w node[1-4] --limit 2" (empty: every node).
std::string describe_selection(const SelectionFlags& flags) {
    std::string text;
    auto add = [&text](const std::string& flag, const std::string& value) {
        text += (text.empty() ? "" : " ") + flag + " " + value;
    };
    if (!flags.selector.empty()) {
        add("-l", flags.selector);
    }
    for (const std::string& nodes : flags.nodes) {
        add("-w", nodes);
    }
    for (const std::string& nodes : flags.exclude) {
        add("-x", nodes);
    }
    if (flags.limit) {
        add("--limit", std::to_string(*flags.limit));
    }
    return text;
}

// The most a file of node names may hold: far above any fleet's names, and refused before it is
// read when an attacker made it huge.
constexpr std::uintmax_t k_node_file_limit = 64U << 20U;

// -w/-x values as node sets: `^FILE` (pdsh's syntax) becomes the file's names, comma-joined.
std::vector<std::string> with_node_files(const std::vector<std::string>& values) {
    std::vector<std::string> sets;
    for (const std::string& value : values) {
        if (value.empty() || value.front() != '^') {
            sets.push_back(value);
            continue;
        }
        const std::string path = value.substr(1);
        auto text = base::read_bounded(path, k_node_file_limit);
        if (!text) {
            throw Failure(ExitCode::inventory, "node file " + text.error());
        }
        auto names = inventory::parse_node_list(*text);
        if (!names) {
            throw Failure(ExitCode::inventory, "node file " + path + ": " + names.error());
        }
        if (names->empty()) {
            throw Failure(ExitCode::inventory, "node file " + path + " names no node");
        }
        std::string joined;
        for (const std::string& name : *names) {
            joined += (joined.empty() ? "" : ",") + name;
        }
        sets.push_back(std::move(joined));
    }
    return sets;
}

} // namespace

SelectedFleet select_fleet(const Context& context, const config::Settings& settings,
                           const SelectionFlags& flags, InventoryUse use) {
    const std::string& path = settings.text("inventory");
    CheckedInventory loaded = load_checked_inventory(settings, path);
    SelectedFleet fleet{std::move(loaded.inventory), {}, transport::BecomeMethod::sudo,
                        std::move(loaded.signature), {}, std::move(loaded.sha256)};
    policy::InventoryVerdict verdict{true, ""};
    if (use != InventoryUse::listing) {
        verdict = policy::decide_inventory_use(fleet.signature, use == InventoryUse::mutating_run,
                                               flags.allow_unsigned_inventory);
        if (!verdict.allowed) {
            throw Failure(ExitCode::inventory, "inventory " + path + " " + verdict.message);
        }
    }
    auto become = policy::plan_become_method(settings, fleet.inventory, path);
    if (!become) {
        throw plan_failure(become.error());
    }
    fleet.become = *become;

    const auto stale_warn = settings.duration("stale_warn");
    const auto stale_refuse = settings.duration("stale_refuse");
    const auto staleness = inventory::assess_staleness(
        fleet.inventory.captured_at, std::chrono::system_clock::now(), stale_warn, stale_refuse);
    const std::string age = inventory::describe_age(staleness.age);
    if (staleness.level == inventory::Staleness::Level::refuse && !flags.allow_stale) {
        throw Failure(ExitCode::inventory,
                      "inventory " + path + " is " + age + " old, past stale_refuse (" +
                          config::format_duration(stale_refuse) +
                          "): re-import it, or pass --allow-stale to use it anyway");
    }
    // The age goes with every run: the map may be older than what the responder remembers.
    if (context.verbosity >= 0) {
        *context.err << "inventory: " << base::escape_terminal_line(fleet.inventory.cluster) << " ("
                     << fleet.inventory.nodes.size() << " nodes), captured "
                     << base::format_rfc3339(fleet.inventory.captured_at) << ", "
                     << (staleness.age.count() < 0 ? age : age + " ago")
                     << (staleness.level == inventory::Staleness::Level::fresh ? "" : " (STALE)")
                     << (fleet.signature.state == policy::InventorySignature::State::verified
                             ? ", signed by " + fleet.signature.signer.principal + " (" +
                                   fleet.signature.signer.fingerprint + ")"
                             : "")
                     << '\n';
        if (staleness.level == inventory::Staleness::Level::warn) {
            *context.err << "breakglass: warning: inventory " << base::escape_terminal_line(path)
                         << " is " << age << " old, past stale_warn ("
                         << config::format_duration(stale_warn)
                         << "); refresh it with 'breakglass inventory import' while you can\n";
        }
    }

    // Even under -q: whoever reads the log must see that the map was not vouched for.
    if (!verdict.message.empty()) {
        *context.err << "breakglass: warning: inventory " << path << " " << verdict.message << '\n';
    }

    inventory::SelectionRequest request{flags.selector, with_node_files(flags.nodes),
                                        with_node_files(flags.exclude), flags.limit, flags.strict};
    auto selected = inventory::select_nodes(fleet.inventory, request);
    if (!selected) {
        throw Failure(selected.error().kind == inventory::SelectionError::Kind::syntax
                          ? ExitCode::usage
                          : ExitCode::inventory,
                      selected.error().message);
    }
    if (context.verbosity >= 0) {
        for (const std::string& warning : selected->warnings) {
            *context.err << "breakglass: warning: " << warning << '\n';
        }
    }
    if (selected->indices.empty()) {
        throw Failure(ExitCode::inventory, "the selection matches no node");
    }
    fleet.indices = std::move(selected->indices);
    fleet.selection = describe_selection(flags);
    return fleet;
}

} // namespace breakglass::cli
