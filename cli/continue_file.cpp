#include "cli/continue_file.hpp"

#include "base/rfc3339.hpp"
#include "base/shell_quote.hpp"
#include "base/system_error.hpp"
#include "config/paths.hpp"
#include "inventory/node_list.hpp"

#include <cctype>
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

bool is_selection_short(char letter) {
    return letter == 'l' || letter == 'w' || letter == 'x';
}

// One word of a command line: `take_next` when its value is the next word. Words that are kept
// go to `kept`.
void keep_short_group(const std::string& group, std::vector<std::string>& kept, bool& take_next,
                      bool& drop_next) {
    for (std::size_t at = 1; at < group.size(); ++at) {
        const char letter = group[at];
        if (short_option_takes_no_value(letter)) {
            kept.push_back(std::string("-") + letter);
            continue;
        }
        const std::string value = group.substr(at + 1);
        take_next = value.empty();
        drop_next = take_next && is_selection_short(letter);
        if (!is_selection_short(letter)) {
            kept.push_back(std::string("-") + letter + value);
        }
        return;
    }
}

} // namespace

// A table, not a walk of the CLI11 app: the app is gone by the time a run stops. A unit test
// (cli_continue_file_test.cpp) walks every option of the app and fails when this disagrees.
bool short_option_takes_no_value(char letter) {
    return letter == 'y' || letter == 'b' || letter == 'v' || letter == 'q' || letter == 'h';
}

// The command line again with its selection (-l, -w, -x, --limit, also inside a group of short
// options) replaced by -w ^FILE, put before a `--` (after it, words are the remote command's).
std::string continue_command(const std::vector<std::string>& argv, const std::string& file) {
    static const char* const long_selection[] = {"--selector", "--nodes", "--exclude", "--limit"};
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
        if (word.size() >= 2 && word[0] == '-' && word[1] != '-' &&
            std::isdigit(static_cast<unsigned char>(word[1])) == 0) {
            bool take_next = false;
            bool drop_next = false;
            keep_short_group(word, words, take_next, drop_next);
            if (take_next && i + 1 < argv.size()) {
                ++i;
                if (!drop_next) {
                    words.push_back(argv[i]);
                }
            }
            continue;
        }
        bool selection = false;
        for (const char* flag : long_selection) {
            const std::string name = flag;
            if (word == name) {
                ++i; // and its value
                selection = true;
            } else if (word.rfind(name + "=", 0) == 0) {
                selection = true; // --nodes=X
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
    const std::string& dir = settings.text("state_dir");
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
