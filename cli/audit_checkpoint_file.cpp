#include "cli/audit_checkpoint_file.hpp"

#include "base/system_error.hpp"
#include "cli/failure.hpp"
#include "cli/inventory_signing.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace breakglass::cli {

void write_checkpoint(const audit::Checkpoint& checkpoint, const std::filesystem::path& out,
                      const std::string& key) {
    const std::string text = audit::checkpoint_text(checkpoint);
    const std::string temporary = out.string() + ".new-" + std::to_string(::getpid());
    const int fd =
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Failure(ExitCode::config_or_state,
                      "cannot write checkpoint " + temporary + ": " + base::errno_text(errno));
    }
    const ssize_t written = ::write(fd, text.data(), text.size());
    const int error = written == static_cast<ssize_t>(text.size()) ? 0 : errno;
    ::close(fd);
    if (error != 0 || written != static_cast<ssize_t>(text.size()) ||
        ::rename(temporary.c_str(), out.c_str()) != 0) {
        const int cause = error != 0 ? error : errno;
        ::unlink(temporary.c_str());
        throw Failure(ExitCode::config_or_state,
                      "cannot write checkpoint " + out.string() + ": " + base::errno_text(cause));
    }
    std::error_code ignored;
    std::filesystem::remove(out.string() + ".sig", ignored);
    if (!key.empty()) {
        sign_file(out.string(), key, audit::k_checkpoint_namespace, "checkpoint");
    }
}

} // namespace breakglass::cli
