#include "inventory/inventory_loader.hpp"

#include "base/system_error.hpp"
#include "inventory/cache_reader.hpp"
#include "inventory/json_pull.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace breakglass::inventory {

namespace {

tl::expected<void, std::string> check_unique_names(const Inventory& inventory) {
    // Caches are usually written in name order (kubectl lists nodes so): strictly ascending
    // names are unique without the sort, which showed in the profile of loading 50,000 nodes.
    const auto& nodes = inventory.nodes;
    if (std::adjacent_find(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) {
            return a.name >= b.name;
        }) == nodes.end()) {
        return {};
    }
    std::vector<const std::string*> names;
    names.reserve(inventory.nodes.size());
    for (const Node& node : inventory.nodes) {
        names.push_back(&node.name);
    }
    std::sort(names.begin(), names.end(),
              [](const std::string* a, const std::string* b) { return *a < *b; });
    std::string repeated;
    std::size_t count = 0;
    for (std::size_t i = 1; i < names.size(); ++i) {
        if (*names[i] == *names[i - 1] && (i < 2 || *names[i] != *names[i - 2])) {
            if (++count <= 5) {
                repeated += (repeated.empty() ? "" : ", ") + *names[i];
            }
        }
    }
    if (count == 0) {
        return {};
    }
    if (count > 5) {
        repeated += " and " + std::to_string(count - 5) + " more";
    }
    return tl::unexpected("duplicate node names: " + repeated);
}

tl::expected<Inventory, std::string> read_checked(JsonPullReader& reader,
                                                  std::size_t expected_nodes) {
    auto inventory = read_cache(reader, expected_nodes);
    if (!inventory) {
        return inventory;
    }
    if (auto unique = check_unique_names(*inventory); !unique) {
        return tl::unexpected(unique.error());
    }
    return inventory;
}

} // namespace

tl::expected<Inventory, std::string> parse_inventory(std::string_view text) {
    JsonPullReader reader(text);
    return read_checked(reader, 0);
}

tl::expected<Inventory, std::string> load_inventory(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return tl::unexpected("inventory " + path.string() + ": " + base::errno_text(errno));
    }
    // Room for the nodes up front: growing a vector of 50,000 nodes by doubling would copy
    // them repeatedly and hold two copies at its peak. Reserved but untouched pages cost no
    // memory, so the estimate errs high (real caches spend 300 to 1,500 bytes on a node).
    struct stat info {};
    const std::size_t expected_nodes =
        ::fstat(fd, &info) == 0 ? static_cast<std::size_t>(info.st_size) / 256 : 0;
    JsonPullReader reader(fd);
    auto result = read_checked(reader, expected_nodes);
    ::close(fd);
    if (!result) {
        return tl::unexpected("inventory " + path.string() + ": " + result.error());
    }
    return result;
}

} // namespace breakglass::inventory
