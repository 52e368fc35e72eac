#include "transport/become.hpp"

#include "base/shell_quote.hpp"

#include <array>

namespace breakglass::transport {

tl::expected<BecomeMethod, std::string> parse_become_method(std::string_view text) {
    if (text == "sudo") {
        return BecomeMethod::sudo;
    }
    if (text == "none") {
        return BecomeMethod::none;
    }
    return tl::unexpected("'" + std::string(text) +
                          "' is not a become method (one of: sudo, none; a command line is "
                          "never accepted)");
}

std::string_view to_string(BecomeMethod method) {
    return method == BecomeMethod::sudo ? "sudo" : "none";
}

std::string with_become(const std::string& command, BecomeMethod method) {
    switch (method) {
    case BecomeMethod::sudo:
        // -n: never prompt; a node that wants a password fails as become-denied.
        return "sudo -n sh -c " + base::shell_quote(command);
    case BecomeMethod::none:
        break;
    }
    return command;
}

void classify_become_denied(StepResult& result) {
    if (result.status != NodeStatus::failed || result.exit_code != 1) {
        return;
    }
    // sudo's own messages (sudo 1.9, C locale); sudo exits 1 before running anything.
    static constexpr std::array<std::string_view, 4> k_refusals{
        "sudo: a password is required",
        "sudo: a terminal is required",
        "is not in the sudoers file",
        "is not allowed to run sudo",
    };
    for (std::string_view refusal : k_refusals) {
        if (result.err.tail.find(refusal) != std::string::npos) {
            result.reason = Reason::become_denied;
            return;
        }
    }
}

} // namespace breakglass::transport
