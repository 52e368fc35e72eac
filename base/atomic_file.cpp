#include "base/atomic_file.hpp"

#include "base/system_error.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace breakglass::base {

namespace {

// Owns the temporary file until it is renamed into place; removes it on every failure path.
class TempFile {
public:
    explicit TempFile(std::string path_template) : m_path(std::move(path_template)) {
        // mkostemp opens with O_CREAT | O_EXCL; O_NOFOLLOW says the same of symlinks explicitly.
        m_fd = ::mkostemp(m_path.data(), O_CLOEXEC | O_NOFOLLOW);
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

tl::expected<void, std::string> write_all(int fd, std::string_view text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
        if (wrote < 0) {
            if (errno == EINTR) {
                continue;
            }
            return tl::unexpected(errno_text(errno));
        }
        done += static_cast<std::size_t>(wrote);
    }
    return {};
}

} // namespace

tl::expected<void, std::string> replace_file_atomically(const std::filesystem::path& path,
                                                        std::string_view contents,
                                                        mode_t new_mode) {
    std::filesystem::path dir = path.parent_path();
    if (dir.empty()) {
        dir = ".";
    }
    // Appended, not `"." + string`: GCC 12 at -O3 reports a false -Wrestrict on
    // operator+(const char*, string&&) (gcc bug 105329).
    std::string temp_name = ".";
    temp_name += path.filename().string();
    temp_name += ".tmp.XXXXXX";
    TempFile temp((dir / temp_name).string());
    if (temp.fd() < 0) {
        return tl::unexpected(errno_text(errno));
    }
    struct stat existing {};
    const mode_t mode = ::stat(path.c_str(), &existing) == 0 ? existing.st_mode & 07777 : new_mode;
    if (::fchmod(temp.fd(), mode) != 0) {
        return tl::unexpected(errno_text(errno));
    }
    if (auto wrote = write_all(temp.fd(), contents); !wrote) {
        return wrote;
    }
    // fsync before rename: otherwise a crash can leave the new name pointing at empty blocks.
    if (::fsync(temp.fd()) != 0) {
        return tl::unexpected(errno_text(errno));
    }
    if (::rename(temp.path().c_str(), path.c_str()) != 0) {
        return tl::unexpected(errno_text(errno));
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

} // namespace breakglass::base
