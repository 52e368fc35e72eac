#include "inventory/lab_import.hpp"

#include "base/json_duplicate_keys.hpp"
#include "inventory/cache_format.hpp"

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace breakglass::inventory {

namespace {

using Json = nlohmann::json;

tl::expected<Node, std::string> lab_node(Inventory& inventory, const Json& entry,
                                         std::size_t position) {
    Node node;
    node.name = entry.at("name").get<std::string>();
    if (auto problem = node_name_problem(node.name)) {
        return tl::unexpected("nodes[" + std::to_string(position) + "]: " + *problem);
    }
    node.address = entry.at("address").get<std::string>();
    if (!is_ip_literal(node.address)) {
        return tl::unexpected("node '" + node.name + "': address '" + node.address +
                              "' is not an IP address");
    }
    const auto port = entry.at("port").get<std::int64_t>();
    if (port < 1 || port > 65535) {
        return tl::unexpected("node '" + node.name + "': port out of range");
    }
    node.port = static_cast<std::uint16_t>(port);
    // "TYPE BASE64 [COMMENT]": a pin never carries the comment.
    const std::string described = entry.at("host_key").get<std::string>();
    const std::size_t comment = described.find(' ', described.find(' ') + 1);
    auto key = check_host_key(described.substr(0, comment));
    if (!key) {
        return tl::unexpected("node '" + node.name + "': " + key.error());
    }
    node.host_keys.push_back(std::move(*key));
    inventory.set_label(node, "kubernetes.io/hostname", node.name);
    inventory.set_label(node, "kubernetes.io/os", "linux");
    inventory.set_label(node, "lab.breakglass.dev/sshd",
                        std::to_string(entry.at("sshd").get<std::int64_t>()));
    inventory.set_label(
        node, position % 2 == 0 ? "node-role.kubernetes.io/worker" : "node-role.kubernetes.io/gpu",
        "");
    return node;
}

} // namespace

tl::expected<ImportResult, std::string> import_lab_fleet(const std::filesystem::path& path,
                                                         TimePoint captured_at) {
    std::ifstream in(path);
    if (!in) {
        return tl::unexpected("cannot read lab fleet description " + path.string());
    }
    ImportResult result;
    Inventory& inventory = result.inventory;
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (auto repeated = base::find_duplicate_json_key(text)) {
        return tl::unexpected(path.string() + ": " + *repeated + ": key appears twice");
    }
    try {
        const Json fleet = Json::parse(text);
        if (fleet.at("schema_version").get<int>() != 1) {
            return tl::unexpected(path.string() + ": unsupported fleet schema_version");
        }
        inventory.cluster = "lab-" + fleet.at("name").get<std::string>();
        inventory.source = "lab:" + path.string();
        inventory.captured_at = captured_at;
        inventory.defaults.user = fleet.at("users").at("root").get<std::string>();
        inventory.defaults.identities.push_back(fleet.at("client_key").get<std::string>());
        // No become here: exec gives root none, and the lab's sudo users the default `sudo -n`.
        std::size_t position = 0;
        for (const Json& entry : fleet.at("nodes")) {
            auto node = lab_node(inventory, entry, position++);
            if (!node) {
                return tl::unexpected(path.string() + ": " + node.error());
            }
            inventory.nodes.push_back(std::move(*node));
        }
    } catch (const Json::exception& error) {
        return tl::unexpected(path.string() + ": not a lab fleet description: " + error.what());
    }
    return result;
}

} // namespace breakglass::inventory
