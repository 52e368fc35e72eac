#include "inventory/inventory_writer.hpp"

#include "base/atomic_file.hpp"
#include "base/rfc3339.hpp"
#include "inventory/cache_format.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

namespace breakglass::inventory {

namespace {

using Ordered = nlohmann::ordered_json;

Ordered optional_text(const std::string& text) {
    return text.empty() ? Ordered(nullptr) : Ordered(text);
}

Ordered node_json(const Inventory& inventory, const Node& node) {
    Ordered json;
    json["name"] = node.name;
    json["address"] = node.address;
    if (node.port) {
        json["port"] = *node.port;
    }
    if (!node.user.empty()) {
        json["user"] = node.user;
    }
    Ordered labels = Ordered::object();
    for (const auto& [key, value] : inventory.labels_by_key(node)) {
        labels[std::string(key)] = value;
    }
    json["labels"] = std::move(labels);
    json["host_keys"] = node.host_keys;
    if (node.host_keys_scanned_at) {
        json["host_keys_scanned_at"] = base::format_rfc3339(*node.host_keys_scanned_at);
    }
    if (!node.jump.empty()) {
        json["jump"] = node.jump;
    }
    // Written only when set: a file without them stays readable by earlier versions.
    if (!node.runtime_socket.empty()) {
        json["runtime_socket"] = node.runtime_socket;
    }
    if (!node.kubelet_unit.empty()) {
        json["kubelet_unit"] = node.kubelet_unit;
    }
    return json;
}

} // namespace

void write_inventory(const Inventory& inventory, std::ostream& out) {
    Ordered defaults;
    defaults["user"] = optional_text(inventory.defaults.user);
    defaults["port"] = inventory.defaults.port;
    defaults["identities"] = inventory.defaults.identities;
    defaults["become"] = optional_text(inventory.defaults.become);
    defaults["jump"] = optional_text(inventory.defaults.jump);
    if (!inventory.defaults.runtime_socket.empty()) {
        defaults["runtime_socket"] = inventory.defaults.runtime_socket;
    }
    if (!inventory.defaults.kubelet_unit.empty()) {
        defaults["kubelet_unit"] = inventory.defaults.kubelet_unit;
    }
    out << "{\n  \"schema_version\": " << k_schema_version << ",\n"
        << "  \"cluster\": " << Ordered(inventory.cluster).dump() << ",\n"
        << R"(  "captured_at": ")" << base::format_rfc3339(inventory.captured_at) << "\",\n"
        << "  \"source\": " << Ordered(inventory.source).dump() << ",\n"
        << "  \"defaults\": " << defaults.dump() << ",\n"
        << "  \"nodes\": [";
    const char* separator = "\n    ";
    for (const Node& node : inventory.nodes) {
        out << separator << node_json(inventory, node).dump();
        separator = ",\n    ";
    }
    out << (inventory.nodes.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

tl::expected<void, std::string> save_inventory(const Inventory& inventory,
                                               const std::filesystem::path& path) {
    const auto failed = [&](const std::string& why) {
        return tl::unexpected("cannot write inventory " + path.string() + ": " + why);
    };
    std::filesystem::path dir = path.parent_path();
    if (dir.empty()) {
        dir = ".";
    }
    std::error_code error;
    if (!std::filesystem::exists(dir, error)) {
        std::filesystem::create_directories(dir, error);
        if (error) {
            return failed(error.message());
        }
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, error);
    }
    std::ostringstream text;
    write_inventory(inventory, text);
    if (auto replaced = base::replace_file_atomically(path, text.str(), 0600); !replaced) {
        return failed(replaced.error());
    }
    return {};
}

} // namespace breakglass::inventory
