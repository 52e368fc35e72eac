#include "playbooks/preflight.hpp"

#include "base/bounded_read.hpp"
#include "config/paths.hpp"
#include "playbooks/digest.hpp"
#include "playbooks/playbook_checks.hpp"
#include "playbooks/version_state.hpp"

namespace breakglass::playbooks {

namespace {

// Bounds on what is read into memory; real playbooks, signatures and signer lists are far smaller.
constexpr std::uintmax_t k_max_playbook_bytes = 16U << 20U;
constexpr std::uintmax_t k_max_text_bytes = 1U << 20U;

tl::unexpected<PreflightRefusal> refusal(PreflightRefusalKind kind, std::string message) {
    return tl::unexpected(PreflightRefusal{kind, std::nullopt, std::move(message)});
}

// "playbook WHO refused (WHY): DETAIL", the line every refusal of the playbook itself prints.
std::string refused(const std::string& who, std::string_view why, const std::string& detail) {
    return "playbook " + who + " refused (" + std::string(why) + "): " + detail;
}

tl::expected<std::string, PreflightRefusal>
read_file(std::string_view what, const std::filesystem::path& path, std::uintmax_t limit) {
    auto bytes = base::read_bounded(path.string(), limit);
    if (!bytes) {
        return refusal(PreflightRefusalKind::unreadable, std::string(what) + " " + bytes.error());
    }
    return std::move(*bytes);
}

tl::expected<Playbook, PreflightRefusal> parse(const std::filesystem::path& path,
                                               const std::string& text) {
    auto parsed = parse_playbook(text);
    if (!parsed) {
        return refusal(PreflightRefusalKind::schema,
                       refused(path.string(), "schema", parsed.error()));
    }
    return std::move(*parsed);
}

} // namespace

std::string_view to_string(PreflightRefusalKind kind) {
    switch (kind) {
    case PreflightRefusalKind::unreadable:
        return "unreadable";
    case PreflightRefusalKind::signature:
        return "signature";
    case PreflightRefusalKind::schema:
        return "schema";
    case PreflightRefusalKind::not_yet_valid:
        return "not_yet_valid";
    case PreflightRefusalKind::expired:
        return "expired";
    case PreflightRefusalKind::name:
        return "name";
    case PreflightRefusalKind::parameter:
        return "parameter";
    case PreflightRefusalKind::scope:
        return "scope";
    case PreflightRefusalKind::rollback:
        return "rollback";
    case PreflightRefusalKind::state:
        return "state";
    }
    return "state";
}

tl::expected<VerifiedPlaybook, PreflightRefusal>
verify_playbook(const PlaybookFiles& files, std::chrono::system_clock::time_point now) {
    const std::string path = files.playbook.string();
    auto text = read_file("playbook", files.playbook, k_max_playbook_bytes);
    if (!text) {
        return tl::unexpected(std::move(text.error()));
    }
    auto armored = read_file("signature", files.signature, k_max_text_bytes);
    if (!armored) {
        return tl::unexpected(std::move(armored.error()));
    }
    auto allowed = read_file("allowed_signers", files.allowed_signers, k_max_text_bytes);
    if (!allowed) {
        return tl::unexpected(std::move(allowed.error()));
    }
    TrustQuery query;
    query.now = now;
    auto signer = verify_signature(*text, *armored, std::string_view(*allowed), query);
    if (!signer) {
        const RefusalKind why = signer.error().kind;
        return tl::unexpected(
            PreflightRefusal{PreflightRefusalKind::signature, why,
                             refused(path, to_string(why), signer.error().message)});
    }
    auto playbook = parse(files.playbook, *text);
    if (!playbook) {
        return tl::unexpected(std::move(playbook.error()));
    }
    if (auto valid = check_validity(*playbook, now); !valid) {
        const bool expired = valid.error().kind == ValidityRefusal::expired;
        return refusal(expired ? PreflightRefusalKind::expired
                               : PreflightRefusalKind::not_yet_valid,
                       refused(path, expired ? "expired" : "not_yet_valid", valid.error().message));
    }
    return VerifiedPlaybook{std::move(*signer), std::move(*playbook), sha256_hex(*text)};
}

tl::expected<Playbook, PreflightRefusal>
read_unverified_playbook(const std::filesystem::path& file) {
    auto text = read_file("playbook", file, k_max_playbook_bytes);
    if (!text) {
        return tl::unexpected(std::move(text.error()));
    }
    return parse(file, *text);
}

std::vector<std::string> declared_assignments(const Playbook& playbook,
                                              const std::vector<std::string>& optional) {
    std::vector<std::string> declared;
    for (const std::string& assignment : optional) {
        const std::string name = assignment.substr(0, assignment.find('='));
        for (const ParamSpec& param : playbook.params) {
            if (param.name == name) {
                declared.push_back(assignment);
                break;
            }
        }
    }
    return declared;
}

tl::expected<std::vector<BoundParam>, PreflightRefusal>
bind_assignments(const Playbook& playbook, const std::vector<std::string>& assignments) {
    auto bound = bind_parameters(playbook, assignments);
    if (!bound) {
        return refusal(PreflightRefusalKind::parameter,
                       refused(playbook.name, "parameter", bound.error()));
    }
    return std::move(*bound);
}

tl::expected<void, PreflightRefusal> check_cluster(const Playbook& playbook,
                                                   std::string_view cluster) {
    if (auto in_scope = check_scope(playbook, cluster); !in_scope) {
        return refusal(PreflightRefusalKind::scope,
                       refused(playbook.name, "scope", in_scope.error()));
    }
    return {};
}

tl::expected<void, PreflightRefusal>
check_recorded_version(const std::filesystem::path& version_state, const Playbook& playbook) {
    auto state = load_version_state(version_state);
    if (!state) {
        return refusal(PreflightRefusalKind::state, state.error());
    }
    if (auto allowed = check_version(*state, playbook); !allowed) {
        return refusal(PreflightRefusalKind::rollback,
                       refused(playbook.name, "rollback", allowed.error()));
    }
    return {};
}

tl::expected<ClearedPlaybook, PreflightRefusal> preflight(const PreflightRequest& request,
                                                          const PlaceRun& place) {
    auto verified = verify_playbook(request.files, request.now);
    if (!verified) {
        return tl::unexpected(std::move(verified.error()));
    }
    const Playbook& playbook = verified->playbook;
    if (!request.bound_name.empty()) {
        if (auto bound = check_playbook_binding(playbook, request.bound_name); !bound) {
            return refusal(PreflightRefusalKind::name,
                           refused(request.files.playbook.string(), "name", bound.error()));
        }
    }
    std::vector<std::string> assignments = request.assignments;
    for (std::string& assignment : declared_assignments(playbook, request.optional_assignments)) {
        assignments.push_back(std::move(assignment));
    }
    auto params = bind_assignments(playbook, assignments);
    if (!params) {
        return tl::unexpected(std::move(params.error()));
    }
    const Placement placement = place(playbook);
    if (auto in_scope = check_cluster(playbook, placement.cluster); !in_scope) {
        return tl::unexpected(std::move(in_scope.error()));
    }
    if (auto version = check_recorded_version(placement.version_state, playbook); !version) {
        return tl::unexpected(std::move(version.error()));
    }
    if (auto writable = config::ensure_writable_dir(placement.version_state.parent_path());
        !writable) {
        return refusal(PreflightRefusalKind::state, "state directory " + writable.error());
    }
    if (auto recorded = record_version(placement.version_state, playbook); !recorded) {
        if (recorded.error().rollback) {
            return refusal(PreflightRefusalKind::rollback,
                           refused(playbook.name, "rollback", recorded.error().message));
        }
        return refusal(PreflightRefusalKind::state, recorded.error().message);
    }
    return ClearedPlaybook{std::move(verified->signer), std::move(verified->playbook),
                           std::move(*params), std::move(verified->sha256)};
}

} // namespace breakglass::playbooks
