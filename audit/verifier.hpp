#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace breakglass::audit {

/// A line without its newline at the very end of the file: a writer stopped mid-record (crash,
/// SIGKILL, full disk). Not tampering by itself; a checkpoint tells whether records are missing.
struct TornTail {
    std::size_t line = 0; // 1-based
    std::uint64_t bytes = 0;
};

/// The first thing that does not verify, named by its line (1-based) and, when it has one, seq.
struct VerifyProblem {
    std::size_t line = 0;
    std::optional<std::uint64_t> seq;
    std::string message;
};

/// Where a rotated file's chain came from (its log-start's `predecessor`).
struct Predecessor {
    std::string path;
    std::uint64_t records = 0;
    std::string head;
};

/// What verifying one file found.
struct VerifyReport {
    std::string log_id;
    std::uint64_t first_seq = 0;             // seq of the file's first record
    std::uint64_t records = 0;               // records that verified, in order
    std::string head;                        // chain head after the last of them
    std::vector<std::string> heads;          // chain head after each, index seq - first_seq
    std::vector<nlohmann::json> parsed;      // those records
    std::optional<Predecessor> predecessor;  // for a rotated file
    std::optional<TornTail> torn;            // a torn last line
    std::vector<std::size_t> recovered_torn; // lines torn earlier and named by a later record
    std::optional<VerifyProblem> problem;    // the first tampering found; verification stops

    bool ok() const { return !problem.has_value(); }
    /// The chain's record count after this file's last verified record (seq + 1).
    std::uint64_t chain_records() const { return first_seq + records; }
};

/// Verifies a log's bytes. Every complete line must be a record in canonical form
/// (canonical_text), of version 1, whose hash matches its content, whose seq follows the one
/// before, and whose prev is the head of the line before (64 zeros for a log's first record, the
/// predecessor's head for a rotated file's). The file starts with a log-start record. An
/// unparsable line is accepted only when the next record is the `torn` record naming its size
/// and SHA-256 (the appender's recovery). A last line without its newline is reported as torn,
/// not as a problem. Anything else is a problem naming the line and seq.
VerifyReport verify_log(std::string_view text);

/// verify_log over the file at `path`; the error is one line when it cannot be read.
tl::expected<VerifyReport, std::string> verify_log_file(const std::filesystem::path& path);

/// Reads and verifies one file of the log (verify_log_file, or a stand-in in tests).
using LogFileReader =
    std::function<tl::expected<VerifyReport, std::string>(const std::filesystem::path&)>;

/// A rotated file's log-start names its predecessor, but anyone who can write the file can
/// write that record: only the earlier file itself proves the records before it. So each
/// earlier file, back to the log's first, must be readable, verify, belong to the same log and
/// end exactly where the later file's log-start says (record count and head). When one does
/// not, `report.problem` says so on the later file's first line. Follows at most 10000 files.
void verify_earlier_files(VerifyReport& report, const LogFileReader& read);

} // namespace breakglass::audit
