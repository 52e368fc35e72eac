#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::audit {

/// Files rotate once a record would take them past this size (see AuditLog).
inline constexpr std::uint64_t k_default_rotate_bytes = 64ULL << 20U;

/// Where a record landed.
struct Appended {
    std::uint64_t seq = 0;
    std::string head; // the chain head after it (line_head of its line)
    std::string log_id;
    std::filesystem::path path;
};

/// 32 lowercase hex characters from the kernel's random source (log ids, run ids).
std::string random_id();

/// An append-only JSON Lines audit log shared by every breakglass process of a user.
///
/// Each append opens PATH (O_APPEND|O_NOFOLLOW|O_CLOEXEC, created 0600, parent directories
/// 0700), takes flock(LOCK_EX) for that one record only (a second responder never waits for a
/// whole run), reads the first line (log id) and the last line (seq, head) under the lock, and
/// writes the sealed record with one write(). A new file starts with a `log-start` record
/// (fresh log id, prev of 64 zeros). A tail without its newline (a writer killed mid-write) is
/// closed with a newline and followed by a `torn` record that names its size and SHA-256, so the
/// chain stays verifiable and the damage stays visible. Once a record would take the file past
/// `rotate_bytes` (0: never), the file is renamed PATH.<last seq> (by link + rename of a new
/// file that already holds its `log-start`, so PATH never exists empty) and the new file's
/// `log-start` names its predecessor's path, record count and final head; seq and the chain
/// continue across files.
class AuditLog {
public:
    explicit AuditLog(std::filesystem::path path,
                      std::uint64_t rotate_bytes = k_default_rotate_bytes);

    /// Seals `fields` (an object: type, run_id and the record's own fields) with v, seq, ts,
    /// prev and hash and appends it; `sync` fsyncs before returning. The error is one line
    /// naming the path and the cause (permission, read-only, full disk, not a log...). A short
    /// write is cut back off under the lock, so a failed append leaves no partial line. The
    /// log's directory is made 0700 when missing, and refused when another user owns it or
    /// its group or everyone may write to it (base::private_dir_problem); checked by the first
    /// append that gets that far.
    tl::expected<Appended, std::string> append(const nlohmann::json& fields, bool sync);

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
    std::uint64_t m_rotate_bytes;
    bool m_directory_checked = false; // made and found private by an earlier append
};

} // namespace breakglass::audit
