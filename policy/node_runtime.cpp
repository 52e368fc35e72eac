#include "policy/node_runtime.hpp"

#include "base/terminal_escape.hpp"
#include "containment/runtime_settings.hpp"

namespace breakglass::policy {

namespace {

// The setting's value when someone gave one for this run (not its built-in default).
const std::string* given(const config::ResolvedSetting& setting) {
    return setting.source == config::Source::built_in ? nullptr
                                                      : &std::get<std::string>(setting.value);
}

} // namespace

tl::expected<std::vector<NodeRuntime>, NodeRuntimeError>
plan_node_runtimes(const config::Settings& settings, const inventory::Inventory& inventory,
                   const std::vector<std::size_t>& indices) {
    const config::ResolvedSetting& socket_setting = settings.get("runtime_socket");
    const config::ResolvedSetting& unit_setting = settings.get("kubelet_unit");
    for (const config::ResolvedSetting* setting : {&socket_setting, &unit_setting}) {
        const auto& value = std::get<std::string>(setting->value);
        auto checked = setting == &socket_setting ? containment::check_runtime_socket(value)
                                                  : containment::check_kubelet_unit(value);
        if (!checked) {
            return tl::unexpected(NodeRuntimeError{setting->source, checked.error()});
        }
    }
    const std::string* socket_given = given(socket_setting);
    const std::string* unit_given = given(unit_setting);

    std::vector<NodeRuntime> runtimes;
    runtimes.reserve(indices.size());
    for (std::size_t index : indices) {
        const inventory::Node& node = inventory.nodes[index];
        NodeRuntime runtime;
        runtime.socket = socket_given != nullptr        ? *socket_given
                         : !node.runtime_socket.empty() ? node.runtime_socket
                         : !inventory.defaults.runtime_socket.empty()
                             ? inventory.defaults.runtime_socket
                             : std::get<std::string>(socket_setting.value);
        runtime.unit = unit_given != nullptr        ? *unit_given
                       : !node.kubelet_unit.empty() ? node.kubelet_unit
                       : !inventory.defaults.kubelet_unit.empty()
                           ? inventory.defaults.kubelet_unit
                           : std::get<std::string>(unit_setting.value);
        auto socket_ok = containment::check_runtime_socket(runtime.socket);
        auto unit_ok = containment::check_kubelet_unit(runtime.unit);
        if (!socket_ok || !unit_ok) {
            return tl::unexpected(
                NodeRuntimeError{config::Source::built_in,
                                 "inventory: node '" + base::escape_terminal_line(node.name) +
                                     "': " + (socket_ok ? unit_ok.error() : socket_ok.error())});
        }
        runtimes.push_back(std::move(runtime));
    }
    return runtimes;
}

} // namespace breakglass::policy
