#include "containment/runtime_settings.hpp"

namespace breakglass::containment {

namespace {

bool alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

} // namespace

tl::expected<void, std::string> check_runtime_socket(std::string_view path) {
    if (path.empty()) {
        return {};
    }
    const auto refuse = [&](const std::string& why) {
        return tl::unexpected("runtime_socket '" + std::string(path) + "' " + why);
    };
    if (path.front() != '/') {
        return refuse("is not an absolute path");
    }
    if (path.size() > 200) {
        return refuse("is longer than 200 characters");
    }
    for (char c : path) {
        if (!alnum(c) && c != '.' && c != '_' && c != '-' && c != '/') {
            return refuse("holds a character other than letters, digits and '._-/'");
        }
    }
    for (std::size_t start = 1; start <= path.size();) {
        const std::size_t slash = path.find('/', start);
        const std::string_view part = path.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (part.empty() || part == "." || part == "..") {
            return refuse("has an empty, '.' or '..' component");
        }
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return {};
}

tl::expected<void, std::string> check_kubelet_unit(std::string_view unit) {
    bool valid = !unit.empty() && unit.size() <= 100 && alnum(unit.front());
    for (char c : unit) {
        valid = valid && (alnum(c) || c == '_' || c == '.' || c == '@' || c == '-');
    }
    if (!valid) {
        return tl::unexpected("kubelet_unit '" + std::string(unit) +
                              "' is not a systemd unit name ([A-Za-z0-9][A-Za-z0-9_.@-]*, at "
                              "most 100)");
    }
    return {};
}

std::vector<std::string> runtime_params(std::string_view socket, std::string_view unit,
                                        bool with_unit) {
    std::vector<std::string> params;
    if (!socket.empty()) {
        params.push_back("runtime_socket=" + std::string(socket));
    }
    if (with_unit && unit != k_default_kubelet_unit) {
        params.push_back("kubelet_unit=" + std::string(unit));
    }
    return params;
}

} // namespace breakglass::containment
