#include "cli/drill_checks.hpp"

#include "base/bounded_read.hpp"
#include "cli/playbook_load.hpp"
#include "config/paths.hpp"
#include "containment/actions.hpp"
#include "drill/readiness_report.hpp"
#include "playbooks/allowed_signers.hpp"
#include "playbooks/preflight.hpp"

#include <algorithm>
#include <set>

namespace breakglass::cli {

namespace {

constexpr std::uintmax_t k_allowed_signers_limit = std::uintmax_t{1024} * 1024;

std::optional<playbooks::AllowedSigners> allowed_signers(const config::Settings& settings) {
    auto text = base::read_bounded(settings.text("allowed_signers"), k_allowed_signers_limit);
    if (!text) {
        return std::nullopt;
    }
    auto parsed = playbooks::parse_allowed_signers(*text);
    if (!parsed) {
        return std::nullopt;
    }
    return std::move(*parsed);
}

std::optional<std::chrono::sys_seconds> valid_before_of_line(const config::Settings& settings,
                                                             std::size_t line) {
    if (auto signers = allowed_signers(settings)) {
        for (const playbooks::AllowedSigner& signer : signers->signers) {
            if (signer.line == line && signer.valid_before) {
                return std::chrono::sys_seconds(std::chrono::seconds(*signer.valid_before));
            }
        }
    }
    return std::nullopt;
}

drill::PlaybookCheck check_one(const config::Settings& settings, const std::string& name,
                               const std::filesystem::path& path, const std::string& cluster,
                               std::chrono::system_clock::time_point now) {
    drill::PlaybookCheck check{name, path.string(), "", std::nullopt};
    playbooks::PlaybookFiles files{path, path.string() + ".sig", settings.text("allowed_signers")};
    auto verified = playbooks::verify_playbook(files, now);
    if (!verified) {
        check.problem = verified.error().message;
        return check;
    }
    if (auto scoped = playbooks::check_cluster(verified->playbook, cluster); !scoped) {
        check.problem = scoped.error().message;
        return check;
    }
    check.valid_until = verified->playbook.expires;
    if (auto before = valid_before_of_line(settings, verified->signer.allowed_signers_line)) {
        check.valid_until = std::min(*check.valid_until, *before);
    }
    return check;
}

} // namespace

drill::InventoryCheck check_inventory(const config::Settings& settings,
                                      const SelectedFleet& fleet) {
    drill::InventoryCheck check;
    check.path = settings.text("inventory");
    check.captured_at = fleet.inventory.captured_at;
    using State = policy::InventorySignature::State;
    check.signature_verified = fleet.signature.state == State::verified;
    if (check.signature_verified) {
        check.signer = fleet.signature.signer.principal;
        check.signer_valid_before =
            valid_before_of_line(settings, fleet.signature.signer.allowed_signers_line);
    } else {
        check.signature_problem = fleet.signature.state == State::missing
                                      ? "unsigned (no " + check.path + ".sig)"
                                      : fleet.signature.problem;
    }
    check.nodes = fleet.indices.size();
    check.pinned = static_cast<std::size_t>(
        std::count_if(fleet.indices.begin(), fleet.indices.end(), [&](std::size_t index) {
            return !fleet.inventory.nodes[index].host_keys.empty();
        }));
    return check;
}

std::vector<drill::SignerCheck> check_signers(const config::Settings& settings) {
    std::vector<drill::SignerCheck> checks;
    if (auto signers = allowed_signers(settings)) {
        for (const playbooks::AllowedSigner& signer : signers->signers) {
            std::optional<std::chrono::sys_seconds> before;
            if (signer.valid_before) {
                before = std::chrono::sys_seconds(std::chrono::seconds(*signer.valid_before));
            }
            checks.push_back({signer.principals, signer.line, before});
        }
    }
    return checks;
}

std::vector<drill::PlaybookCheck> check_playbooks(const config::Settings& settings,
                                                  const std::string& cluster,
                                                  std::chrono::system_clock::time_point now) {
    std::vector<drill::PlaybookCheck> checks;
    std::set<std::filesystem::path> seen;
    std::vector<std::filesystem::path> dirs;
    if (!settings.text("playbooks").empty()) {
        dirs.emplace_back(settings.text("playbooks"));
    }
    dirs.push_back(config::system_playbooks_dir());
    for (const auto& dir : dirs) {
        std::error_code error;
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
            if (entry.path().extension() == ".json" && entry.is_regular_file(error)) {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            if (seen.insert(std::filesystem::weakly_canonical(file, error)).second) {
                checks.push_back(check_one(settings, file.stem().string(), file, cluster, now));
            }
        }
    }
    std::vector<std::string> shipped;
    for (const containment::ActionSpec& action : containment::all_actions()) {
        shipped.emplace_back(action.playbook);
    }
    shipped.emplace_back(containment::kubelet_release_action().playbook);
    shipped.emplace_back(drill::k_readiness_playbook);
    for (const std::string& name : shipped) {
        auto found = find_shipped_playbook(settings, name);
        if (!found) {
            checks.push_back({name, "", "not found", std::nullopt});
            continue;
        }
        std::error_code error;
        if (seen.insert(std::filesystem::weakly_canonical(*found, error)).second) {
            checks.push_back(check_one(settings, name, *found, cluster, now));
        }
    }
    return checks;
}

} // namespace breakglass::cli
