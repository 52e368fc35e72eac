#pragma once

#include "audit/verifier.hpp"
#include "playbooks/signature_trust.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace breakglass::audit {

/// The namespace of checkpoint signatures (`ssh-keygen -Y sign -n breakglass-audit`): a
/// playbook or inventory signature never vouches for a checkpoint, nor the other way round.
inline constexpr std::string_view k_checkpoint_namespace = "breakglass-audit";

/// A statement that the log `log_id` held `records` records (seq 0 .. records-1) with chain
/// head `head` (line_head of record records-1) at `time`. Kept away from the machine, it makes
/// a later truncation or rewrite of those records detectable.
struct Checkpoint {
    std::string log_id;
    std::string path; // where the log was, for the reader; not checked
    std::uint64_t records = 0;
    std::string head;
    std::string time;
};

/// The checkpoint for a verified file: its log id, chain_records() and head.
Checkpoint checkpoint_of(const VerifyReport& report, const std::string& path, std::string time);

/// The signed text, exactly:
///   breakglass audit checkpoint v1\n log-id ID\n path PATH\n records N\n head HEX\n time TS\n
/// (each line without the leading space; control characters in PATH become '?').
std::string checkpoint_text(const Checkpoint& checkpoint);

/// Parses checkpoint_text strictly (every line, in order, nothing else); the error says what
/// is wrong.
tl::expected<Checkpoint, std::string> parse_checkpoint(std::string_view text);

/// Nothing when `report`'s file agrees with the checkpoint; else why not: another log, fewer
/// records than the checkpoint covers (the tail was cut), another head at its record count (the
/// log was rewritten), or records that are in an earlier, rotated file.
std::optional<std::string> check_checkpoint(const Checkpoint& checkpoint,
                                            const VerifyReport& report);

/// Verifies an armored SSHSIG over `text` in namespace breakglass-audit against allowed_signers.
tl::expected<playbooks::VerifiedSignature, playbooks::SignatureRefusal>
verify_checkpoint_signature(std::string_view text, std::string_view signature_text,
                            std::string_view allowed_signers_text);

} // namespace breakglass::audit
