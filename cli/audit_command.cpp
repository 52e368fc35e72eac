#include "audit/checkpoint.hpp"
#include "audit/record.hpp"
#include "audit/run_summary.hpp"
#include "audit/verifier.hpp"
#include "base/bounded_read.hpp"
#include "base/terminal_escape.hpp"
#include "cli/audit_checkpoint_file.hpp"
#include "cli/commands.hpp"
#include "cli/failure.hpp"
#include "cli/run_audit.hpp"
#include "cli/setting_flags.hpp"

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

namespace {

constexpr std::uintmax_t k_max_text_bytes = 1U << 20U;

struct AuditRequest {
    std::string file; // verify: the log (default: the audit_log setting)
    std::vector<std::string> checkpoints;
    bool require_signed = false; // verify: an unsigned checkpoint fails
    std::string sign_with;
    std::string out;
    std::string run;
    std::string output = "human";
};

std::string escaped(const std::string& text) {
    return base::escape_terminal_line(text);
}

// The log named on the command line, else by the settings; a log that cannot be read is 4.
std::pair<std::string, audit::VerifyReport> verified_log(const config::Settings& settings,
                                                         const std::string& file) {
    const std::string path = file.empty() ? audit_log_path(settings).string() : file;
    auto report = audit::verify_log_file(path);
    if (!report) {
        throw Failure(ExitCode::config_or_state, report.error());
    }
    // Rotated files are named as written (LOG.N); a log moved with its earlier files is found
    // beside the one being verified.
    const std::filesystem::path directory = std::filesystem::path(path).parent_path();
    audit::verify_earlier_files(*report, [&directory](const std::filesystem::path& named) {
        auto earlier = audit::verify_log_file(named);
        if (!earlier && !named.filename().empty()) {
            if (auto beside = audit::verify_log_file(directory / named.filename())) {
                return beside;
            }
        }
        return earlier;
    });
    return {path, std::move(*report)};
}

std::string problem_text(const audit::VerifyProblem& problem) {
    return "line " + std::to_string(problem.line) +
           (problem.seq ? " (seq " + std::to_string(*problem.seq) + ")" : std::string()) + ": " +
           problem.message;
}

// One checkpoint's verdict: the chain it names and, when CHECKPOINT.sig exists, its signer.
struct CheckpointVerdict {
    std::string file;
    bool ok = false;
    std::string detail; // why not, or who signed
    std::optional<audit::Checkpoint> checkpoint;
};

CheckpointVerdict check_one(const config::Settings& settings, const std::string& file,
                            const audit::VerifyReport& report, bool require_signed) {
    CheckpointVerdict verdict{file, false, "", std::nullopt};
    auto text = base::read_bounded(file, k_max_text_bytes);
    if (!text) {
        throw Failure(ExitCode::config_or_state, "checkpoint " + text.error());
    }
    auto parsed = audit::parse_checkpoint(*text);
    if (!parsed) {
        verdict.detail = parsed.error();
        return verdict;
    }
    verdict.checkpoint = *parsed;
    // The signature first: a checkpoint that is not vouched for says nothing about the log.
    std::error_code error;
    const bool is_signed = std::filesystem::exists(file + ".sig", error);
    std::optional<playbooks::VerifiedSignature> signer;
    if (is_signed) {
        auto signature = base::read_bounded(file + ".sig", k_max_text_bytes);
        auto signers = base::read_bounded(settings.text("allowed_signers"), k_max_text_bytes);
        if (!signature || !signers) {
            throw Failure(ExitCode::config_or_state,
                          !signature ? "checkpoint signature " + signature.error()
                                     : "allowed_signers " + signers.error());
        }
        auto verified = audit::verify_checkpoint_signature(*text, *signature, *signers);
        if (!verified) {
            verdict.detail = "signature " +
                             std::string(playbooks::to_string(verified.error().kind)) + ": " +
                             verified.error().message;
            return verdict;
        }
        signer = std::move(*verified);
    } else if (require_signed) {
        // Whoever can rewrite the log can often rewrite a checkpoint kept beside it, and delete
        // its .sig: with --require-signed only a signature vouches for a checkpoint.
        verdict.detail = "unsigned (no " + file + ".sig), and --require-signed was given";
        return verdict;
    }
    if (auto why = audit::check_checkpoint(*parsed, report)) {
        verdict.detail = *why;
        return verdict;
    }
    if (!signer) {
        verdict.ok = true;
        verdict.detail = "unsigned (only as good as the place it was kept)";
        return verdict;
    }
    verdict.ok = true;
    verdict.detail = "signed by " + signer->principal + " (" + signer->fingerprint + ")";
    return verdict;
}

nlohmann::json report_json(const std::string& path, const audit::VerifyReport& report,
                           const std::vector<CheckpointVerdict>& verdicts, bool ok) {
    nlohmann::json checkpoints = nlohmann::json::array();
    for (const CheckpointVerdict& verdict : verdicts) {
        checkpoints.push_back(
            {{"file", verdict.file}, {"ok", verdict.ok}, {"detail", verdict.detail}});
    }
    nlohmann::json problem = nullptr;
    if (report.problem) {
        problem = {
            {"line", report.problem->line},
            {"message", report.problem->message},
            {"seq", report.problem->seq ? nlohmann::json(*report.problem->seq) : nlohmann::json()}};
    }
    nlohmann::json torn = nullptr;
    if (report.torn) {
        torn = {{"line", report.torn->line}, {"bytes", report.torn->bytes}};
    }
    return {{"schema_version", 1},
            {"path", path},
            {"ok", ok},
            {"log_id", report.log_id},
            {"first_seq", report.first_seq},
            {"records", report.chain_records()},
            {"head", report.head},
            {"torn", std::move(torn)},
            {"recovered_torn_lines", report.recovered_torn},
            {"problem", std::move(problem)},
            {"checkpoints", std::move(checkpoints)}};
}

void run_verify(Context& context, const AuditRequest& request) {
    if (request.require_signed && request.checkpoints.empty()) {
        // Else a runbook whose checkpoint list came out empty would pass without any.
        throw Failure(ExitCode::usage, "--require-signed needs at least one --checkpoint");
    }
    const config::Settings settings = context.settings();
    const auto [path, report] = verified_log(settings, request.file);
    std::vector<CheckpointVerdict> verdicts;
    for (const std::string& file : request.checkpoints) {
        verdicts.push_back(check_one(settings, file, report, request.require_signed));
    }
    bool ok = report.ok();
    for (const CheckpointVerdict& verdict : verdicts) {
        ok = ok && verdict.ok;
    }
    context.result = ok ? ExitCode::ok : ExitCode::nodes_failed;
    std::ostream& out = *context.out;
    if (request.output == "json") {
        out << report_json(path, report, verdicts, ok).dump() << '\n';
        return;
    }
    out << "audit log " << escaped(path) << ": " << report.records << " records (seq "
        << report.first_seq << ".."
        << (report.chain_records() == 0 ? 0 : report.chain_records() - 1) << "), log "
        << escaped(report.log_id) << ", head " << report.head << '\n';
    for (std::size_t line : report.recovered_torn) {
        out << "  line " << line << ": torn by an earlier crash, recovered by the next record\n";
    }
    if (report.torn) {
        out << "  TORN last line " << report.torn->line << " (" << report.torn->bytes
            << " bytes without a newline): a write was cut off (crash, kill, full disk), not "
               "tampering; records after the head above are missing\n";
    }
    if (report.problem) {
        out << "  TAMPERED " << escaped(problem_text(*report.problem)) << '\n';
    }
    for (const CheckpointVerdict& verdict : verdicts) {
        out << "  checkpoint " << escaped(verdict.file) << ": "
            << (verdict.ok ? "ok, " : "FAILED: ") << escaped(verdict.detail) << '\n';
    }
    out << (ok ? "verified\n" : "NOT verified\n");
}

void run_checkpoint(Context& context, const AuditRequest& request) {
    const config::Settings settings = context.settings();
    const auto [path, report] = verified_log(settings, request.file);
    if (!report.ok()) {
        context.result = ExitCode::nodes_failed;
        *context.err << "breakglass: audit log " << escaped(path)
                     << " does not verify, no checkpoint written: "
                     << escaped(problem_text(*report.problem)) << '\n';
        return;
    }
    const std::string out = request.out.empty() ? path + ".checkpoint" : request.out;
    const std::string key =
        request.sign_with.empty() ? settings.text("audit_key") : request.sign_with;
    write_checkpoint(audit::checkpoint_of(report, path, audit::now_timestamp()), out, key);
    *context.out << "checkpoint " << escaped(out) << ": " << report.chain_records()
                 << " records, head " << report.head
                 << (key.empty() ? ", unsigned" : ", signed (" + escaped(out) + ".sig)") << '\n';
}

void run_show(Context& context, const AuditRequest& request) {
    const config::Settings settings = context.settings();
    const auto [path, report] = verified_log(settings, request.file);
    if (!report.ok()) {
        *context.err << "breakglass: warning: audit log " << escaped(path)
                     << " does not verify; showing the records before "
                     << escaped(problem_text(*report.problem)) << '\n';
        context.result = ExitCode::nodes_failed;
    }
    std::vector<audit::RunSummary> runs = audit::summarize_runs(report.parsed);
    if (!request.run.empty()) {
        std::erase_if(runs, [&](const audit::RunSummary& run) {
            return !run.run_id.starts_with(request.run);
        });
        if (runs.empty()) {
            throw Failure(ExitCode::usage, "no run " + request.run + " in " + path);
        }
    }
    std::ostream& out = *context.out;
    if (request.output == "json") {
        nlohmann::json shown = nlohmann::json::array();
        for (const audit::RunSummary& run : runs) {
            shown.push_back(audit::to_json(run));
        }
        out << nlohmann::json{{"schema_version", 1}, {"path", path}, {"runs", std::move(shown)}}
                   .dump()
            << '\n';
        return;
    }
    for (const audit::RunSummary& run : runs) {
        out << "run " << escaped(run.run_id) << " by " << escaped(run.user) << ", "
            << escaped(run.started) << " .. "
            << (run.ended.empty() ? "(no run-end)" : escaped(run.ended)) << '\n'
            << "  " << escaped(run.command) << '\n';
        if (!run.playbook.empty()) {
            out << "  playbook " << escaped(run.playbook) << '\n';
        }
        out << "  cluster " << escaped(run.inventory_cluster) << ", " << run.nodes.size()
            << " nodes:";
        for (const auto& [status, count] : run.counts) {
            out << ' ' << escaped(status) << ' ' << count;
        }
        out << ", end " << (run.end_reason.empty() ? "unknown" : escaped(run.end_reason)) << '\n';
        if (!request.run.empty()) {
            for (const audit::NodeOutcome& node : run.nodes) {
                out << "    " << escaped(node.node) << ' ' << escaped(node.status)
                    << (node.reason.empty() ? "" : " " + escaped(node.reason))
                    << (node.exit_code ? " exit " + std::to_string(*node.exit_code) : "") << '\n';
            }
        }
    }
}

} // namespace

void register_audit(CLI::App& app, Context& context) {
    auto* audit = app.add_subcommand("audit", "verify, checkpoint and read the audit log");
    audit->require_subcommand(1);
    // Also here, so that `audit --audit-log LOG show` reads as typed.
    add_setting_flag(*audit, context, "audit_log");
    auto request = std::make_shared<AuditRequest>();

    auto* verify = audit->add_subcommand(
        "verify", "check the log's hash chain and every checkpoint given against it");
    verify->add_option("FILE", request->file, "audit log (default: the audit_log setting)");
    verify
        ->add_option("--checkpoint", request->checkpoints,
                     "checkpoint file (its signature: FILE.sig); repeatable")
        ->expected(1)
        ->take_all();
    verify->add_flag("--require-signed", request->require_signed,
                     "fail every checkpoint without a valid signature (CP.sig)");
    add_setting_flag(*verify, context, "allowed_signers");
    add_output_flag(*verify, request->output, {"human", "json"});
    verify->callback([&context, request] { run_verify(context, *request); });

    auto* checkpoint = audit->add_subcommand(
        "checkpoint", "write a checkpoint (log id, record count, chain head) of a verified log");
    checkpoint->add_option("--sign-with", request->sign_with,
                           "SSH key to sign it with (ssh-keygen -Y sign -n breakglass-audit; "
                           "default: the audit_key setting)");
    checkpoint->add_option("-O,--out", request->out, "checkpoint file (default LOG.checkpoint)");
    checkpoint->callback([&context, request] { run_checkpoint(context, *request); });

    auto* show = audit->add_subcommand("show", "who ran what, when, and how each node ended");
    show->add_option("--run", request->run, "only this run (an id or its prefix), with its nodes");
    add_output_flag(*show, request->output, {"human", "json"});
    show->callback([&context, request] { run_show(context, *request); });
}

} // namespace breakglass::cli
