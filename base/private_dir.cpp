#include "base/private_dir.hpp"

#include "base/system_error.hpp"

#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace breakglass::base {

namespace {

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777U));
    return text;
}

} // namespace

tl::expected<void, std::string> make_private_dirs(const std::filesystem::path& dir) {
    std::filesystem::path prefix;
    for (const std::filesystem::path& part : dir) {
        prefix /= part;
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
            return tl::unexpected(dir.string() + ": cannot create directory: " + errno_text(errno));
        }
    }
    return {};
}

std::optional<std::string> private_dir_problem(const std::filesystem::path& dir) {
    struct stat info {};
    if (::stat(dir.c_str(), &info) != 0) {
        return dir.string() + ": " + errno_text(errno);
    }
    if (!S_ISDIR(info.st_mode)) {
        return dir.string() + ": not a directory";
    }
    if (info.st_uid != ::geteuid()) {
        return dir.string() + ": owned by uid " + std::to_string(info.st_uid) +
               ", not by this user (uid " + std::to_string(::geteuid()) +
               "); use a directory of your own";
    }
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return dir.string() + ": writable by " +
               ((info.st_mode & S_IWOTH) != 0 ? "everyone" : "its group") + " (mode " +
               octal_mode(info.st_mode) +
               "), so others could replace the state in it; chmod go-w " + dir.string();
    }
    return std::nullopt;
}

} // namespace breakglass::base
