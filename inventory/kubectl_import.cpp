#include "inventory/kubectl_import.hpp"

#include "base/json_duplicate_keys.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/label_syntax.hpp"
#include "inventory/node_set.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace breakglass::inventory {

namespace {

using Json = nlohmann::json;

// Keys never needed and often most of the bytes (images alone can be megabytes per node).
bool is_bulky(const std::string& key) {
    return key == "images" || key == "managedFields" || key == "annotations" ||
           key == "conditions" || key == "volumesAttached" || key == "volumesInUse";
}

std::string node_address(const Json& item, bool& missing) {
    std::string ipv6;
    const Json* addresses = nullptr;
    if (auto status = item.find("status"); status != item.end() && status->is_object()) {
        if (auto found = status->find("addresses"); found != status->end() && found->is_array()) {
            addresses = &*found;
        }
    }
    missing = true;
    if (addresses == nullptr) {
        return {};
    }
    for (const Json& entry : *addresses) {
        if (!entry.is_object() || entry.value("type", "") != "InternalIP") {
            continue;
        }
        std::string address = entry.value("address", "");
        missing = false;
        if (address.find(':') == std::string::npos) {
            return address; // IPv4 (or junk, which the caller rejects by name)
        }
        if (ipv6.empty()) {
            ipv6 = address;
        }
    }
    return ipv6;
}

tl::expected<void, std::string> add_labels(Inventory& inventory, Node& node, const Json& item) {
    auto metadata = item.find("metadata");
    auto labels = metadata->find("labels");
    if (labels == metadata->end() || labels->is_null()) {
        return {};
    }
    if (!labels->is_object()) {
        return tl::unexpected("node '" + node.name + "': metadata.labels is not an object");
    }
    for (const auto& [key, value] : labels->items()) {
        if (!value.is_string()) {
            return tl::unexpected("node '" + node.name + "': label '" + key + "' is not a string");
        }
        const auto& text = value.get_ref<const std::string&>();
        if (auto problem = label_key_problem(key)) {
            return tl::unexpected("node '" + node.name + "': " + *problem);
        }
        if (auto problem = label_value_problem(text)) {
            return tl::unexpected("node '" + node.name + "': label '" + key + "': " + *problem);
        }
        inventory.set_label(node, key, text);
    }
    return {};
}

void pin_keys(const KnownHosts& known_hosts, std::uint16_t port, Node& node) {
    node.host_keys = find_known_host_keys(known_hosts, node.address, port);
    // Entries written under the node's name (ssh NODE) are the same machine.
    for (std::string& key : find_known_host_keys(known_hosts, node.name, port)) {
        if (std::find(node.host_keys.begin(), node.host_keys.end(), key) == node.host_keys.end()) {
            node.host_keys.push_back(std::move(key));
        }
    }
}

tl::expected<ImportResult, std::string> convert(const Json& document,
                                                const ImportOptions& options) {
    ImportResult result;
    Inventory& inventory = result.inventory;
    inventory.cluster = options.cluster;
    inventory.source = options.source;
    inventory.captured_at = options.captured_at;
    inventory.defaults.user = options.user;
    inventory.defaults.port = options.port;

    std::vector<const Json*> items;
    const std::string kind = document.is_object() ? document.value("kind", "") : "";
    if (kind == "Node") {
        items.push_back(&document);
    } else if (document.is_object() && document.contains("items") && document["items"].is_array()) {
        for (const Json& item : document["items"]) {
            items.push_back(&item);
        }
    } else {
        return tl::unexpected(std::string(
            "not the output of 'kubectl get nodes -o json' (no items, and not a Node)"));
    }
    std::vector<std::string_view> skipped;
    std::vector<std::string_view> unpinned;
    std::unordered_set<std::string> names;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Json& item = *items[i];
        const std::string where = "items[" + std::to_string(i) + "]";
        if (!item.is_object() || item.value("kind", "Node") != "Node") {
            return tl::unexpected(where + " is not a Node");
        }
        auto metadata = item.find("metadata");
        if (metadata == item.end() || !metadata->is_object() ||
            metadata->value("name", "").empty()) {
            return tl::unexpected(where + " has no metadata.name");
        }
        Node node;
        node.name = metadata->value("name", "");
        if (auto problem = node_name_problem(node.name)) {
            return tl::unexpected(where + ": " + *problem);
        }
        if (!names.insert(node.name).second) {
            return tl::unexpected("node '" + node.name + "' appears twice");
        }
        bool missing = false;
        node.address = node_address(item, missing);
        if (missing) {
            skipped.push_back(metadata->find("name")->get_ref<const std::string&>());
            continue;
        }
        if (!is_ip_literal(node.address)) {
            return tl::unexpected("node '" + node.name + "': InternalIP '" + node.address +
                                  "' is not an IP address");
        }
        if (auto added = add_labels(inventory, node, item); !added) {
            return tl::unexpected(added.error());
        }
        if (options.known_hosts != nullptr) {
            pin_keys(*options.known_hosts, options.port, node);
            if (node.host_keys.empty()) {
                unpinned.push_back(metadata->find("name")->get_ref<const std::string&>());
            }
        }
        inventory.nodes.push_back(std::move(node));
    }
    if (!skipped.empty()) {
        result.warnings.push_back("skipped " + std::to_string(skipped.size()) +
                                  " node(s) without an InternalIP: " + fold_node_set(skipped));
    }
    if (!unpinned.empty()) {
        result.warnings.push_back(
            std::to_string(unpinned.size()) + " node(s) have no key in known_hosts: " +
            fold_node_set(unpinned) + " (run 'breakglass inventory scan-host-keys' while healthy)");
    }
    return result;
}

} // namespace

tl::expected<ImportResult, std::string> import_kubectl(std::istream& json,
                                                       const ImportOptions& options) {
    // Depth 2 is a lone Node's status/metadata; depth 4 the same inside a List's items.
    const Json::parser_callback_t drop_bulky = [](int depth, Json::parse_event_t event,
                                                  Json& parsed) {
        return !(event == Json::parse_event_t::key && (depth == 2 || depth == 4) &&
                 is_bulky(parsed.get_ref<const std::string&>()));
    };
    // Read whole: the text is checked for repeated keys before it is parsed.
    const std::string source{std::istreambuf_iterator<char>(json),
                             std::istreambuf_iterator<char>()};
    if (auto repeated = base::find_duplicate_json_key(source)) {
        return tl::unexpected(*repeated + ": key appears twice");
    }
    Json document;
    try {
        document = Json::parse(source, drop_bulky);
    } catch (const Json::exception& error) {
        std::string text = error.what();
        if (auto bracket = text.find("] "); bracket != std::string::npos) {
            text.erase(0, bracket + 2);
        }
        return tl::unexpected(text);
    }
    return convert(document, options);
}

tl::expected<ImportResult, std::string> import_kubectl_file(const std::filesystem::path& path,
                                                            const ImportOptions& options) {
    std::ifstream in(path);
    if (!in) {
        return tl::unexpected("cannot read " + path.string());
    }
    auto result = import_kubectl(in, options);
    if (!result) {
        return tl::unexpected(path.string() + ": " + result.error());
    }
    return result;
}

} // namespace breakglass::inventory
