#include "audit/verifier.hpp"

#include "audit/record.hpp"
#include "base/bounded_read.hpp"

namespace breakglass::audit {

namespace {

// Larger than any log that rotates at its default size many times over; a bound, not a budget.
constexpr std::uintmax_t k_max_log_bytes = 4ULL << 30U;

// Checks one parsed record against the chain so far; a message when it does not fit.
std::optional<std::string> misfit(const nlohmann::json& record, std::string_view line,
                                  const VerifyReport& report) {
    if (canonical_text(record) != line) {
        return "not in canonical form (the line was edited)";
    }
    if (!record.contains("v") || record["v"] != k_record_version) {
        return "not a version 1 record";
    }
    if (!record.contains("hash") || !record["hash"].is_string() ||
        record["hash"].get<std::string>() != record_hash(record)) {
        return "its hash does not match its content (the record was changed)";
    }
    if (!record.contains("seq") || !record["seq"].is_number_unsigned() ||
        !record.contains("prev") || !record["prev"].is_string() || !record.contains("type") ||
        !record["type"].is_string() || !record.contains("run_id") ||
        !record["run_id"].is_string()) {
        return "lacks seq, prev, type or run_id";
    }
    const auto seq = record["seq"].get<std::uint64_t>();
    const std::string prev = record["prev"].get<std::string>();
    const bool log_start = record["type"] == "log-start";
    if (report.records == 0) {
        if (!log_start) {
            return "the file does not begin with a log-start record";
        }
        if (record.contains("predecessor")) {
            if (prev != text_field(record["predecessor"], "head")) {
                return "prev does not match the predecessor's head it names";
            }
            if (seq != count_field(record["predecessor"], "records").value_or(0) || seq == 0) {
                return "seq does not continue the predecessor's record count it names";
            }
        } else if (seq != 0 || prev != k_genesis_prev) {
            return "a log's first record must have seq 0 and prev of zeros";
        }
        return std::nullopt;
    }
    if (log_start) {
        return "a log-start record in the middle of the log";
    }
    const std::uint64_t expected = report.first_seq + report.records;
    if (seq != expected) {
        return "seq " + std::to_string(seq) + " where " + std::to_string(expected) +
               " was expected (a record was deleted, inserted or reordered)";
    }
    if (prev != report.head) {
        return "prev is not the head of the record before it (a record was changed, deleted or "
               "reordered)";
    }
    return std::nullopt;
}

// Whether `record` names `torn_line` as the torn line it recovers.
bool recovers(const nlohmann::json& record, std::string_view torn_line) {
    if (!record.contains("torn") || !record["torn"].is_object()) {
        return false;
    }
    const nlohmann::json& torn = record["torn"];
    return count_field(torn, "bytes") == torn_line.size() &&
           text_field(torn, "sha256") == sha256_hex(torn_line);
}

} // namespace

VerifyReport verify_log(std::string_view text) {
    VerifyReport report;
    report.head = std::string(k_genesis_prev);
    std::optional<std::pair<std::size_t, std::string_view>> unparsed; // awaiting its recovery
    std::size_t position = 0;
    std::size_t line_number = 0;
    auto fail = [&report](std::size_t line, std::optional<std::uint64_t> seq, std::string why) {
        report.problem = VerifyProblem{line, seq, std::move(why)};
    };
    while (position < text.size() && !report.problem) {
        ++line_number;
        const std::size_t newline = text.find('\n', position);
        if (newline == std::string_view::npos) {
            report.torn = TornTail{line_number, text.size() - position};
            break;
        }
        const std::string_view line = text.substr(position, newline - position);
        position = newline + 1;
        nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
        if (record.is_discarded() || !record.is_object()) {
            if (unparsed) {
                fail(unparsed->first, std::nullopt, "not a record (changed or inserted)");
                break;
            }
            unparsed.emplace(line_number, line);
            continue;
        }
        std::optional<std::uint64_t> seq;
        if (record.contains("seq") && record["seq"].is_number_unsigned()) {
            seq = record["seq"].get<std::uint64_t>();
        }
        if (auto why = misfit(record, line, report)) {
            fail(line_number, seq, *why);
            break;
        }
        if (unparsed) {
            if (!recovers(record, unparsed->second)) {
                fail(unparsed->first, std::nullopt, "not a record (changed or inserted)");
                break;
            }
            report.recovered_torn.push_back(unparsed->first);
            unparsed.reset();
        } else if (record.contains("torn")) {
            fail(line_number, seq, "names a torn line that is not there");
            break;
        }
        if (report.records == 0) {
            report.first_seq = *seq;
            report.log_id = text_field(record, "log_id");
            if (record.contains("predecessor") && record["predecessor"].is_object()) {
                const nlohmann::json& before = record["predecessor"];
                report.predecessor = Predecessor{text_field(before, "path"),
                                                 count_field(before, "records").value_or(0),
                                                 text_field(before, "head")};
            }
        }
        report.head = line_head(line);
        report.heads.push_back(report.head);
        report.parsed.push_back(std::move(record));
        ++report.records;
    }
    if (!report.problem && unparsed) {
        fail(unparsed->first, std::nullopt, "not a record (changed or inserted)");
    }
    return report;
}

tl::expected<VerifyReport, std::string> verify_log_file(const std::filesystem::path& path) {
    auto text = base::read_bounded(path.string(), k_max_log_bytes);
    if (!text) {
        return tl::unexpected("audit log " + text.error());
    }
    return verify_log(*text);
}

void verify_earlier_files(VerifyReport& report, const LogFileReader& read) {
    constexpr int k_max_files = 10000;
    const VerifyReport* later = &report;
    std::optional<VerifyReport> earlier;
    for (int files = 0; later->ok() && later->predecessor; ++files) {
        const Predecessor named = *later->predecessor;
        auto fail = [&](const std::string& why) {
            report.problem = VerifyProblem{1, report.first_seq,
                                           "the earlier file " + named.path + " " + why +
                                               ": the records before seq " +
                                               std::to_string(named.records) + " are not proven"};
        };
        if (files == k_max_files) {
            fail("is one of more than 10000 earlier files");
            return;
        }
        auto read_back = read(named.path);
        if (!read_back) {
            fail("cannot be read (" + read_back.error() + ")");
            return;
        }
        if (!read_back->ok()) {
            fail("does not verify (line " + std::to_string(read_back->problem->line) + ": " +
                 read_back->problem->message + ")");
            return;
        }
        if (read_back->log_id != later->log_id) {
            fail("is of another log (" + read_back->log_id + ")");
            return;
        }
        if (read_back->chain_records() != named.records || read_back->head != named.head) {
            fail("does not end where the log-start naming it says (" +
                 std::to_string(read_back->chain_records()) + " records, head " + read_back->head +
                 ")");
            return;
        }
        earlier = std::move(*read_back);
        later = &*earlier;
    }
}

} // namespace breakglass::audit
