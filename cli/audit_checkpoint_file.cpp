#include "cli/audit_checkpoint_file.hpp"

#include "base/atomic_file.hpp"
#include "base/system_error.hpp"
#include "base/unique_fd.hpp"
#include "cli/failure.hpp"
#include "cli/inventory_signing.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace breakglass::cli {

namespace {

[[noreturn]] void fail(const std::string& what, int error) {
    throw Failure(ExitCode::config_or_state, what + ": " + base::errno_text(error));
}

// Removes the temporary files unless they were renamed into place.
struct Temporaries {
    std::filesystem::path checkpoint;
    std::filesystem::path signature;
    ~Temporaries() {
        std::error_code ignored;
        std::filesystem::remove(checkpoint, ignored);
        std::filesystem::remove(signature, ignored);
    }
};

} // namespace

void write_checkpoint(const audit::Checkpoint& checkpoint, const std::filesystem::path& out,
                      const std::string& key) {
    // Signed under a temporary name first, then both renamed into place under a lock on the
    // directory: two runs ending at once never leave one run's .sig beside the other's
    // checkpoint, and no reader sees a checkpoint without the signature made for it.
    const std::string temporary = out.string() + ".new-" + std::to_string(::getpid());
    Temporaries temporaries{temporary, temporary + ".sig"};
    if (auto written =
            base::replace_file_atomically(temporary, audit::checkpoint_text(checkpoint), 0600);
        !written) {
        throw Failure(ExitCode::config_or_state, "cannot write checkpoint " + written.error());
    }
    if (!key.empty()) {
        sign_file(temporary, key, audit::k_checkpoint_namespace, "checkpoint");
    }
    const std::filesystem::path directory =
        out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
    base::UniqueFd locked(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!locked) {
        fail("cannot open the directory of checkpoint " + out.string(), errno);
    }
    while (::flock(locked.get(), LOCK_EX) != 0) {
        if (errno != EINTR) {
            fail("cannot lock the directory of checkpoint " + out.string(), errno);
        }
    }
    const std::string signature = out.string() + ".sig";
    if (!key.empty()) {
        if (::rename(temporaries.signature.c_str(), signature.c_str()) != 0) {
            fail("cannot write checkpoint signature " + signature, errno);
        }
    } else if (::unlink(signature.c_str()) != 0 && errno != ENOENT) {
        fail("cannot remove the stale checkpoint signature " + signature, errno);
    }
    if (::rename(temporaries.checkpoint.c_str(), out.c_str()) != 0) {
        fail("cannot write checkpoint " + out.string(), errno);
    }
    if (::fsync(locked.get()) != 0) {
        fail("cannot fsync the directory of checkpoint " + out.string(), errno);
    }
}

} // namespace breakglass::cli
