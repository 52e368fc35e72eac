#pragma once

#include "playbooks/playbook_format.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <tl/expected.hpp>

namespace breakglass::playbooks {

/// The highest metadata.version of each playbook name that ran on this machine.
using VersionState = std::map<std::string, std::int64_t>;

/// Reads the state file ({"schema_version":1,"playbooks":{NAME:{"version":N}}}); a missing
/// file is an empty state. Unreadable or malformed: an error naming the file.
tl::expected<VersionState, std::string> load_version_state(const std::filesystem::path& file);

/// Refuses a playbook whose version is lower than the highest accepted for its name
/// (rollback); an equal version is fine.
tl::expected<void, std::string> check_version(const VersionState& state, const Playbook& playbook);

/// Why record_version did not raise the version.
struct RecordError {
    bool rollback = false; // a newer version was recorded meanwhile (else: I/O or format)
    std::string message;
};

/// Raises the playbook's entry to its version (never lowers it). Under an exclusive lock on
/// FILE.lock, so concurrent runs cannot lose an update: re-reads the file, refuses a rollback
/// again, then writes a temporary file in the same directory, fsyncs and renames it.
tl::expected<void, RecordError> record_version(const std::filesystem::path& file,
                                               const Playbook& playbook);

} // namespace breakglass::playbooks
