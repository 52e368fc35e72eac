#include "drill/local_checks.hpp"

#include "base/rfc3339.hpp"

namespace breakglass::drill {

namespace {

std::string when(std::chrono::sys_seconds at, std::chrono::sys_seconds now) {
    const auto left = at - now;
    const std::string stamp = " (" + base::format_rfc3339(at) + ")";
    if (left.count() <= 0) {
        return "expired " + describe_span(-left) + " ago" + stamp;
    }
    return "expires in " + describe_span(left) + stamp;
}

} // namespace

std::string describe_span(std::chrono::seconds span) {
    const long long seconds = span.count() < 0 ? -span.count() : span.count();
    const long long days = seconds / 86400;
    const long long hours = seconds % 86400 / 3600;
    if (days > 0) {
        return std::to_string(days) + "d" + (hours > 0 ? " " + std::to_string(hours) + "h" : "");
    }
    if (hours > 0) {
        return std::to_string(hours) + "h";
    }
    if (seconds >= 60) {
        return std::to_string(seconds / 60) + "m";
    }
    return std::to_string(seconds) + "s";
}

std::vector<std::string> expiry_warnings(const InventoryCheck& inventory,
                                         const std::vector<PlaybookCheck>& playbooks,
                                         const std::vector<SignerCheck>& signers,
                                         std::chrono::sys_seconds now,
                                         std::chrono::seconds within) {
    std::vector<std::string> warnings;
    const auto soon = [&](const std::optional<std::chrono::sys_seconds>& at) {
        return at && *at - now <= within;
    };
    // One line for all playbooks: signed together, they usually expire together.
    std::vector<std::string> expiring;
    for (const PlaybookCheck& playbook : playbooks) {
        if (playbook.problem.empty() && soon(playbook.valid_until)) {
            expiring.push_back(playbook.name + " " + when(*playbook.valid_until, now));
        }
    }
    if (expiring.size() == 1) {
        warnings.push_back("playbook " + expiring.front());
    } else if (!expiring.empty()) {
        std::string line = std::to_string(expiring.size()) + " playbooks expire within " +
                           describe_span(within) + ":";
        for (std::size_t i = 0; i < expiring.size(); ++i) {
            line += (i == 0 ? " " : ", ") + expiring[i];
        }
        warnings.push_back(line);
    }
    for (const SignerCheck& signer : signers) {
        if (soon(signer.valid_before)) {
            warnings.push_back("trusted signer " + signer.principals + " (allowed_signers line " +
                               std::to_string(signer.line) + ") " +
                               when(*signer.valid_before, now));
        }
    }
    if (inventory.signature_verified && soon(inventory.signer_valid_before)) {
        warnings.push_back("the inventory's signer " + inventory.signer + " " +
                           when(*inventory.signer_valid_before, now));
    }
    return warnings;
}

} // namespace breakglass::drill
