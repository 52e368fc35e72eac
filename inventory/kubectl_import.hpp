#pragma once

#include "inventory/inventory.hpp"
#include "inventory/known_hosts.hpp"

#include <filesystem>
#include <istream>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

/// An imported inventory and the warnings the user must see (skipped nodes, unpinned keys).
struct ImportResult {
    Inventory inventory;
    std::vector<std::string> warnings;
};

/// The header values an import sets; the nodes come from the source.
struct ImportOptions {
    std::string cluster;
    std::string source;
    TimePoint captured_at{};
    std::string user = "root";
    std::uint16_t port = 22;
    const KnownHosts* known_hosts = nullptr; // pins keys when set
};

/// Turns `kubectl get nodes -o json` output (a List/NodeList, or one Node) into an inventory.
/// Address: the node's InternalIP, IPv4 preferred when a dual-stack node has both. A node
/// without an InternalIP is skipped with a warning naming it (one odd node must not stop the
/// map of the rest from being refreshed); an InternalIP that is not an IP, a non-Node item,
/// a missing name, duplicate names or invalid labels are errors naming the node. status.images
/// and other bulky fields are dropped while parsing.
tl::expected<ImportResult, std::string> import_kubectl(std::istream& json,
                                                       const ImportOptions& options);

/// import_kubectl() on a file; the error names the file.
tl::expected<ImportResult, std::string> import_kubectl_file(const std::filesystem::path& path,
                                                            const ImportOptions& options);

} // namespace breakglass::inventory
