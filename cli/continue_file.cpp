#include "cli/continue_file.hpp"

#include "base/rfc3339.hpp"
#include "base/shell_quote.hpp"
#include "base/system_error.hpp"
#include "config/paths.hpp"
#include "inventory/node_list.hpp"

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <unistd.h>

namespace breakglass::cli {

namespace {

// A word as the shell reads it back: as is when it holds only characters no shell treats
// specially, else single-quoted.
std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() &&
                       word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_./:=@%+,-") == std::string::npos;
    return plain ? word : base::shell_quote(word);
}

} // namespace

// The command line again with its selection (-l, -w, -x, --limit) replaced by -w ^FILE, put
// before a `--` (after it, words are the remote command's).
std::string continue_command(const std::vector<std::string>& argv, const std::string& file) {
    static const char* const with_value[] = {"-l", "--selector", "-w",     "--nodes",
                                             "-x", "--exclude",  "--limit"};
    std::vector<std::string> words;
    bool inserted = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& word = argv[i];
        if (word == "--" && !inserted) {
            words.insert(words.end(), {"-w", "^" + file});
            inserted = true;
            words.push_back(word);
            words.insert(words.end(), argv.begin() + std::ptrdiff_t(i) + 1, argv.end());
            break;
        }
        bool selection = false;
        for (const char* flag : with_value) {
            const std::string name = flag;
            if (word == name) {
                ++i; // and its value
                selection = true;
            } else if (word.rfind(name + "=", 0) == 0 ||
                       (name.size() == 2 && word.size() > 2 && word.rfind(name, 0) == 0)) {
                selection = true; // --nodes=X, -wX
            }
        }
        if (!selection) {
            words.push_back(word);
        }
    }
    if (!inserted) {
        words.insert(words.end(), {"-w", "^" + file});
    }
    std::string command;
    for (const std::string& word : words) {
        command += (command.empty() ? "" : " ") + shell_word(word);
    }
    return command;
}

// Writes the names not yet done to a new file in the state dir; the path, or an error line.
tl::expected<std::string, std::string> write_continue_file(const config::Settings& settings,
                                                           const std::vector<std::string>& names,
                                                           const std::string& why) {
    const std::string dir = settings.text("state_dir");
    if (auto writable = config::ensure_writable_dir(dir); !writable) {
        return tl::unexpected(writable.error());
    }
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    std::string stamp = base::format_rfc3339(now);
    for (char& c : stamp) {
        c = c == ':' ? '-' : c;
    }
    const std::string path =
        dir + "/continue-" + stamp + "-" + std::to_string(::getpid()) + ".nodes";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return tl::unexpected(path + ": " + base::errno_text(errno));
    }
    const std::string text = inventory::format_node_list(
        names, {"breakglass: nodes not done when the run stopped (" + why + ")",
                "continue with: breakglass ... -w ^" + path});
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int error = errno;
            ::close(fd);
            return tl::unexpected(path + ": " + base::errno_text(error));
        }
        written += std::size_t(n);
    }
    if (::close(fd) != 0) {
        return tl::unexpected(path + ": " + base::errno_text(errno));
    }
    return path;
}

} // namespace breakglass::cli
