#include "audit/checkpoint.hpp"

#include "audit/record.hpp"

#include <array>
#include <charconv>

namespace breakglass::audit {

namespace {

constexpr std::string_view k_header = "breakglass audit checkpoint v1";

bool is_hex(std::string_view text, std::size_t size) {
    return text.size() == size &&
           text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

} // namespace

Checkpoint checkpoint_of(const VerifyReport& report, const std::string& path, std::string time) {
    return {report.log_id, path, report.chain_records(), report.head, std::move(time)};
}

std::string checkpoint_text(const Checkpoint& checkpoint) {
    std::string path = checkpoint.path;
    for (char& c : path) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            c = '?';
        }
    }
    return std::string(k_header) + "\nlog-id " + checkpoint.log_id + "\npath " + path +
           "\nrecords " + std::to_string(checkpoint.records) + "\nhead " + checkpoint.head +
           "\ntime " + checkpoint.time + "\n";
}

tl::expected<Checkpoint, std::string> parse_checkpoint(std::string_view text) {
    constexpr std::array<std::string_view, 6> k_keys{"",         "log-id ", "path ",
                                                     "records ", "head ",   "time "};
    std::array<std::string_view, 6> values;
    std::size_t position = 0;
    for (std::size_t index = 0; index < k_keys.size(); ++index) {
        const std::size_t newline = text.find('\n', position);
        if (newline == std::string_view::npos) {
            return tl::unexpected(std::string("not a breakglass audit checkpoint (too short)"));
        }
        const std::string_view line = text.substr(position, newline - position);
        position = newline + 1;
        if (index == 0) {
            if (line != k_header) {
                return tl::unexpected("not a breakglass audit checkpoint (first line is not '" +
                                      std::string(k_header) + "')");
            }
            continue;
        }
        if (!line.starts_with(k_keys[index])) {
            return tl::unexpected("checkpoint line " + std::to_string(index + 1) +
                                  " must start with '" + std::string(k_keys[index]) + "'");
        }
        values[index] = line.substr(k_keys[index].size());
    }
    if (position != text.size()) {
        return tl::unexpected(std::string("checkpoint has text after its time line"));
    }
    Checkpoint checkpoint;
    checkpoint.log_id = values[1];
    checkpoint.path = values[2];
    checkpoint.head = values[4];
    checkpoint.time = values[5];
    const std::string_view count = values[3];
    auto [end, error] =
        std::from_chars(count.data(), count.data() + count.size(), checkpoint.records);
    if (error != std::errc() || end != count.data() + count.size() || count.empty()) {
        return tl::unexpected("checkpoint records is not a count: " + std::string(count));
    }
    if (!is_hex(checkpoint.log_id, 32) || !is_hex(checkpoint.head, 64)) {
        return tl::unexpected(std::string("checkpoint log-id or head is not lowercase hex"));
    }
    return checkpoint;
}

std::optional<std::string> check_checkpoint(const Checkpoint& checkpoint,
                                            const VerifyReport& report) {
    if (checkpoint.log_id != report.log_id) {
        return "the checkpoint is of log " + checkpoint.log_id + ", this file holds log " +
               (report.log_id.empty() ? std::string("(none)") : report.log_id);
    }
    if (checkpoint.records > report.chain_records()) {
        return "the checkpoint covers " + std::to_string(checkpoint.records) +
               " records, the log holds only " + std::to_string(report.chain_records()) +
               " that verify (records were cut off or damaged)";
    }
    std::string head;
    if (checkpoint.records > report.first_seq) {
        head = report.heads[checkpoint.records - 1 - report.first_seq];
    } else if (report.predecessor && checkpoint.records == report.predecessor->records) {
        head = report.predecessor->head;
    } else if (checkpoint.records == 0) {
        head = std::string(k_genesis_prev);
    } else {
        return "the checkpoint covers " + std::to_string(checkpoint.records) +
               " records, which are in an earlier file" +
               (report.predecessor ? " (" + report.predecessor->path + ")" : std::string()) +
               ": verify that file with it";
    }
    if (head != checkpoint.head) {
        return "after record " + std::to_string(checkpoint.records - 1) + " the log's head is " +
               head + ", the checkpoint says " + checkpoint.head + " (the log was rewritten)";
    }
    return std::nullopt;
}

tl::expected<playbooks::VerifiedSignature, playbooks::SignatureRefusal>
verify_checkpoint_signature(std::string_view text, std::string_view signature_text,
                            std::string_view allowed_signers_text) {
    playbooks::TrustQuery query;
    query.name_space = k_checkpoint_namespace;
    return playbooks::verify_signature(text, signature_text, allowed_signers_text, query);
}

} // namespace breakglass::audit
