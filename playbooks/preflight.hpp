#pragma once

#include "playbooks/parameters.hpp"
#include "playbooks/playbook_format.hpp"
#include "playbooks/signature_refusal.hpp"
#include "playbooks/signature_trust.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

// Everything checked before a playbook's first step is sent, in one place and in one order:
// read (bounded), signature against allowed_signers, schema, validity window, the name a
// shipped-action command is bound to, parameters, scope, version (checked, then recorded).

/// Why a playbook may not run. Every kind but `state` refuses the playbook itself (exit 5);
/// `state` is this machine's version record that cannot be read or written (exit 4).
enum class PreflightRefusalKind {
    unreadable,    // the playbook, its signature or allowed_signers cannot be read, or is too large
    signature,     // the signature was not accepted (PreflightRefusal::signature says why)
    schema,        // the signed bytes are not a valid playbook
    not_yet_valid, // issued_at lies in the future
    expired,       // expires lies in the past
    name,          // signed under another metadata.name than the command runs
    parameter,     // a --param is unknown, repeated, missing or does not match its pattern
    scope,         // the inventory's cluster is not in scope.clusters
    rollback,      // a higher version of this playbook already ran on this machine
    state,         // the version record cannot be read, or its directory not written
};

/// "unreadable", "signature", "schema", "not_yet_valid", "expired", "name", "parameter",
/// "scope", "rollback", "state".
std::string_view to_string(PreflightRefusalKind kind);

/// A refusal: the kind to act on, and the one line to show ("playbook P refused (scope): ...").
struct PreflightRefusal {
    PreflightRefusalKind kind = PreflightRefusalKind::unreadable;
    std::optional<RefusalKind> signature; // set when kind is signature
    std::string message;
};

/// The three files a verified playbook is read from.
struct PlaybookFiles {
    std::filesystem::path playbook;
    std::filesystem::path signature;
    std::filesystem::path allowed_signers;
};

/// A playbook whose signature, schema and validity window were checked.
struct VerifiedPlaybook {
    VerifiedSignature signer;
    Playbook playbook;
    std::string sha256; // hex, of the exact bytes verified (for the audit log)
};

/// Reads the files (bounded), verifies the signature over the playbook's exact bytes, parses the
/// schema and checks issued_at/expires against `now`: the first refusal, in that order.
tl::expected<VerifiedPlaybook, PreflightRefusal>
verify_playbook(const PlaybookFiles& files, std::chrono::system_clock::time_point now);

/// Reads and parses a playbook without its signature (`playbook show`): unreadable or schema.
tl::expected<Playbook, PreflightRefusal>
read_unverified_playbook(const std::filesystem::path& file);

/// The assignments ("name=value") among `optional` whose name `playbook` declares, in order.
std::vector<std::string> declared_assignments(const Playbook& playbook,
                                              const std::vector<std::string>& optional);

/// Binds --param assignments (see bind_parameters); refuses as parameter.
tl::expected<std::vector<BoundParam>, PreflightRefusal>
bind_assignments(const Playbook& playbook, const std::vector<std::string>& assignments);

/// Refuses as scope when `cluster` is not in the playbook's scope.clusters.
tl::expected<void, PreflightRefusal> check_cluster(const Playbook& playbook,
                                                   std::string_view cluster);

/// Refuses as rollback a version below the highest recorded in `version_state`; state when the
/// record cannot be read. Records nothing.
tl::expected<void, PreflightRefusal>
check_recorded_version(const std::filesystem::path& version_state, const Playbook& playbook);

/// What preflight is asked to check.
struct PreflightRequest {
    PlaybookFiles files;
    std::chrono::system_clock::time_point now;
    std::string_view bound_name;          // a shipped-action command's playbook name, else empty
    std::vector<std::string> assignments; // --param name=value
    // name=value bound only when the playbook declares the name: what breakglass fills in for
    // parameters that signed playbooks older than them lack (the node journal's run_id, ...).
    std::vector<std::string> optional_assignments;
};

/// Where the run would go. Known only once the playbook is: its rollout block ranks among the
/// settings, and whether it mutates decides how far the inventory must be trusted.
struct Placement {
    std::string cluster;                 // the inventory's cluster
    std::filesystem::path version_state; // the version record (state_dir/playbook-versions.json)
};

/// Chooses the placement for a verified playbook. May throw (the caller's own failures, e.g. an
/// inventory that cannot be used): preflight has recorded nothing at that point.
using PlaceRun = std::function<Placement(const Playbook&)>;

/// A playbook cleared to run: who signed it, what it is, its bound parameters.
struct ClearedPlaybook {
    VerifiedSignature signer;
    Playbook playbook;
    std::vector<BoundParam> params;
    std::string sha256; // hex, of the exact bytes verified (for the audit log)
};

/// The whole pipeline: verify_playbook, the bound name (name), parameters, then `place`, scope,
/// the recorded version, and last the version raised in the record (rollback when a newer one
/// was recorded meanwhile; state on I/O). The first refusal is returned; the record changes only
/// when everything passed.
tl::expected<ClearedPlaybook, PreflightRefusal> preflight(const PreflightRequest& request,
                                                          const PlaceRun& place);

} // namespace breakglass::playbooks
