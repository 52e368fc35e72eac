#include "inventory/inventory_writer.hpp"

#include "base/rfc3339.hpp"
#include "base/system_error.hpp"
#include "inventory/cache_format.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

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

// Owns the temporary file until it is renamed into place; removes it on every failure path.
class TempFile {
public:
    explicit TempFile(std::string path_template) : m_path(std::move(path_template)) {
        m_fd = ::mkostemp(m_path.data(), O_CLOEXEC);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        if (!m_renamed && m_fd != -1) {
            ::unlink(m_path.c_str());
        }
    }
    int fd() const { return m_fd; }
    const std::string& path() const { return m_path; }
    void renamed() { m_renamed = true; }

private:
    std::string m_path;
    int m_fd = -1;
    bool m_renamed = false;
};

tl::expected<void, std::string> write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
        if (wrote < 0) {
            if (errno == EINTR) {
                continue;
            }
            return tl::unexpected(base::errno_text(errno));
        }
        done += static_cast<std::size_t>(wrote);
    }
    return {};
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
    // Appended, not `"." + string`: GCC 12 at -O3 reports a false -Wrestrict on
    // operator+(const char*, string&&) (gcc bug 105329).
    std::string temp_name = ".";
    temp_name += path.filename().string();
    temp_name += ".tmp.XXXXXX";
    TempFile temp((dir / temp_name).string());
    if (temp.fd() < 0) {
        return failed(base::errno_text(errno));
    }
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0) {
        ::fchmod(temp.fd(), existing.st_mode & 07777);
    }
    std::ostringstream text;
    write_inventory(inventory, text);
    if (auto wrote = write_all(temp.fd(), text.str()); !wrote) {
        return failed(wrote.error());
    }
    // fsync before rename: otherwise a crash can leave the new name pointing at empty blocks.
    if (::fsync(temp.fd()) != 0) {
        return failed(base::errno_text(errno));
    }
    if (::rename(temp.path().c_str(), path.c_str()) != 0) {
        return failed(base::errno_text(errno));
    }
    temp.renamed();
    // The rename itself is durable only once the directory is synced.
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
    return {};
}

} // namespace breakglass::inventory
