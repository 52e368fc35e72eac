#include "cli/run_audit.hpp"

#include "audit/record.hpp"
#include "base/rfc3339.hpp"
#include "base/terminal_escape.hpp"
#include "cli/audit_checkpoint_file.hpp"
#include "cli/failure.hpp"
#include "containment/node_journal.hpp"
#include "playbooks/base64.hpp"
#include "playbooks/digest.hpp"
#include "playbooks/public_key.hpp"
#include "policy/job_digest.hpp"

#include <climits>
#include <ostream>
#include <pwd.h>
#include <unistd.h>

namespace breakglass::cli {

std::string local_user() {
    if (const passwd* entry = ::getpwuid(::geteuid()); entry != nullptr) {
        return entry->pw_name;
    }
    return std::to_string(::geteuid());
}

std::string local_host() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0) {
        return "";
    }
    return name;
}

std::vector<std::string> node_journal_params(Context& context, const std::string& lock_wait) {
    if (context.run_id.empty()) {
        context.run_id = audit::random_id();
    }
    return {"run_id=" + context.run_id,
            "responder=" + containment::journal_responder(local_user(), local_host()),
            "lock_wait_seconds=" + lock_wait};
}

namespace {

// "SHA256:..." of an OpenSSH "TYPE BASE64" key; empty when none was seen.
std::string fingerprint_of(const std::string& host_key) {
    const std::size_t space = host_key.find(' ');
    if (space == std::string::npos) {
        return "";
    }
    const std::string encoded =
        host_key.substr(space + 1, host_key.find(' ', space + 1) - space - 1);
    auto blob = playbooks::base64_decode(encoded);
    return blob ? playbooks::fingerprint_sha256(*blob) : std::string();
}

// Output is recorded only as its hash and size, never its content.
nlohmann::json output_fields(const transport::CapturedOutput& output) {
    return {{"sha256", playbooks::sha256_hex(output.tail)},
            {"bytes", output.total_bytes},
            {"kept_bytes", output.tail.size()}};
}

nlohmann::json signer_fields(const playbooks::VerifiedSignature& signer) {
    return {{"principal", signer.principal}, {"fingerprint", signer.fingerprint}};
}

nlohmann::json inventory_fields(const config::Settings& settings, const SelectedFleet& selected) {
    const std::string& path = settings.text("inventory");
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    nlohmann::json fields{{"cluster", selected.inventory.cluster},
                          {"path", path},
                          {"sha256", selected.inventory_sha256},
                          {"captured_at", base::format_rfc3339(selected.inventory.captured_at)},
                          {"age_s", (now - selected.inventory.captured_at).count()},
                          {"signer", nullptr}};
    if (selected.signature.state == policy::InventorySignature::State::verified) {
        fields["signer"] = signer_fields(selected.signature.signer);
    }
    return fields;
}

nlohmann::json limits_fields(const config::Settings& settings) {
    return {{"parallel", settings.integer("parallel")},
            {"rate", settings.integer("rate")},
            {"connect_timeout_ms", settings.duration("connect_timeout").count()},
            {"handshake_timeout_ms", settings.duration("handshake_timeout").count()},
            {"timeout_ms", settings.duration("timeout").count()},
            {"deadline_ms", settings.duration("deadline").count()},
            {"max_output_bytes", settings.size("max_output")}};
}

nlohmann::json node_names(const std::vector<transport::NodeTarget>& targets) {
    nlohmann::json names = nlohmann::json::array();
    for (const transport::NodeTarget& target : targets) {
        names.push_back(target.name);
    }
    return names;
}

nlohmann::json timing_fields(const transport::NodeTimings& timings) {
    return {{"connect", timings.connect.count()},
            {"handshake", timings.handshake.count()},
            {"auth", timings.auth.count()},
            {"exec", timings.exec.count()},
            {"total", timings.total.count()}};
}

void set_exit_code(nlohmann::json& fields, const std::optional<int>& exit_code) {
    fields["exit_code"] = exit_code ? nlohmann::json(*exit_code) : nlohmann::json();
}

} // namespace

std::filesystem::path audit_log_path(const config::Settings& settings) {
    const std::string& configured = settings.text("audit_log");
    if (!configured.empty()) {
        return configured;
    }
    return std::filesystem::path(settings.text("state_dir")) / "audit.jsonl";
}

nlohmann::json playbook_audit_fields(const LoadedPlaybook& loaded) {
    nlohmann::json parameters = nlohmann::json::object();
    for (const playbooks::BoundParam& param : loaded.params) {
        parameters[param.name] = param.value;
    }
    return {{"name", loaded.playbook.name},           {"version", loaded.playbook.version},
            {"path", loaded.path.string()},           {"sha256", loaded.sha256},
            {"signer", signer_fields(loaded.signer)}, {"parameters", std::move(parameters)}};
}

RunAudit::RunAudit(const Context& context, const config::Settings& settings,
                   const SelectedFleet& selected)
    : m_context(context), m_settings(settings), m_selected(selected),
      m_log(audit_log_path(settings)),
      m_run_id(context.run_id.empty() ? audit::random_id() : context.run_id) {}

void RunAudit::start(const std::vector<transport::NodeTarget>& targets,
                     const transport::NodeJob& job, const rollout::WavePlan* waves) {
    nlohmann::json stages = nlohmann::json::array();
    if (waves == nullptr) {
        stages.push_back({{"canary", false}, {"nodes", node_names(targets)}});
    } else {
        for (const rollout::Wave& wave : waves->waves) {
            nlohmann::json names = nlohmann::json::array();
            for (std::size_t node : wave.nodes) {
                names.push_back(targets.at(node).name);
            }
            stages.push_back({{"canary", wave.canary}, {"nodes", std::move(names)}});
        }
    }
    nlohmann::json steps = nlohmann::json::array();
    for (const transport::JobStep& step : job.steps) {
        steps.push_back({{"name", step.name}, {"become", step.become}});
    }
    m_job_sha256 = policy::job_sha256(job);
    nlohmann::json start{{"type", "run-start"},
                         {"run_id", m_run_id},
                         {"user", local_user()},
                         {"host", local_host()},
                         {"pid", ::getpid()},
                         {"argv", m_context.argv},
                         {"playbook", m_context.audit_playbook},
                         {"steps", std::move(steps)},
                         {"job_sha256", m_job_sha256},
                         {"selection", m_selected.selection},
                         {"inventory", inventory_fields(m_settings, m_selected)},
                         {"limits", limits_fields(m_settings)},
                         {"plan", {{"waves", std::move(stages)}}}};
    if (auto appended = m_log.append(start, true); !appended) {
        throw Failure(ExitCode::config_or_state,
                      appended.error() + ": refusing to run without an audit record");
    }
}

// Nodes with a job of their own share it by runtime (one job per distinct socket and unit):
// each job is hashed once per run, not once per node and wave.
const std::string& RunAudit::node_job_sha256(const transport::NodeJob& job) {
    auto [found, inserted] = m_node_job_sha256.try_emplace(&job);
    if (inserted) {
        found->second = policy::job_sha256(job);
    }
    return found->second;
}

bool RunAudit::wave_start(const std::vector<transport::NodeTarget>& targets) {
    const std::size_t wave = ++m_waves;
    nlohmann::json nodes = nlohmann::json::array();
    for (const transport::NodeTarget& target : targets) {
        nodes.push_back({{"node", target.name},
                         {"address", target.address},
                         {"port", target.port},
                         {"user", target.user},
                         {"job_sha256", target.job ? node_job_sha256(*target.job) : m_job_sha256}});
    }
    auto appended = m_log.append(
        {{"type", "wave-start"}, {"run_id", m_run_id}, {"wave", wave}, {"nodes", std::move(nodes)}},
        true);
    if (!appended && !m_failure) {
        m_failure = appended.error();
    }
    return appended.has_value();
}

void RunAudit::node_finished(std::size_t index, const transport::NodeResult& result) {
    const inventory::Node& node = m_selected.inventory.nodes[m_selected.indices.at(index)];
    const std::string status(transport::to_string(result.status));
    m_deadline_reached = m_deadline_reached || result.reason == transport::Reason::deadline ||
                         result.reason == transport::Reason::deadline_not_started;
    ++m_counts[status];
    nlohmann::json steps = nlohmann::json::array();
    for (const transport::StepResult& step : result.steps) {
        nlohmann::json entry{{"name", step.name},
                             {"status", transport::to_string(step.status)},
                             {"reason", transport::to_string(step.reason)},
                             {"duration_ms", step.duration.count()},
                             {"stdout", output_fields(step.out)},
                             {"stderr", output_fields(step.err)}};
        set_exit_code(entry, step.exit_code);
        steps.push_back(std::move(entry));
    }
    nlohmann::json record{{"type", "node-result"},
                          {"run_id", m_run_id},
                          {"node", node.name},
                          {"address", node.address},
                          {"status", status},
                          {"reason", transport::to_string(result.reason)},
                          {"message", result.message},
                          {"host_key_fingerprint", fingerprint_of(result.host_key)},
                          {"via", result.via},
                          {"timings_ms", timing_fields(result.timings)},
                          {"steps", std::move(steps)},
                          {"stdout", output_fields(result.out)},
                          {"stderr", output_fields(result.err)}};
    set_exit_code(record, result.exit_code);
    if (auto appended = m_log.append(record, false); !appended) {
        ++m_lost;
        if (!m_failure) {
            m_failure = appended.error();
        }
    }
}

audit::EndReason RunAudit::end_reason(bool interrupted, bool budget_crossed, bool declined,
                                      bool deadline_stop) const {
    return audit::end_reason_of(interrupted, budget_crossed, declined,
                                deadline_stop || m_deadline_reached);
}

ExitCode RunAudit::finish(audit::EndReason reason) {
    if (m_failure && reason == audit::EndReason::completed) {
        reason = audit::EndReason::audit_failed;
    }
    auto appended = m_log.append({{"type", "run-end"},
                                  {"run_id", m_run_id},
                                  {"end_reason", audit::to_string(reason)},
                                  {"counts", m_counts},
                                  {"records_lost", m_lost}},
                                 true);
    std::ostream& err = *m_context.err;
    if (!appended) {
        err << "breakglass: " << base::escape_terminal_line(appended.error()) << '\n';
        if (m_failure) {
            err << "breakglass: " << base::escape_terminal_line(*m_failure) << '\n';
        }
        return ExitCode::config_or_state;
    }
    // The responder pastes this line into the incident channel: an anchor off this machine.
    err << "audit: chain head " << appended->head << " (" << appended->seq + 1 << " records) in "
        << base::escape_terminal_line(appended->path.string()) << '\n';
    if (const std::string& key = m_settings.text("audit_key"); !key.empty()) {
        const std::filesystem::path out = appended->path.string() + ".checkpoint";
        try {
            write_checkpoint({appended->log_id, appended->path.string(), appended->seq + 1,
                              appended->head, audit::now_timestamp()},
                             out, key);
            err << "audit: signed checkpoint " << base::escape_terminal_line(out.string()) << '\n';
        } catch (const Failure& failure) {
            err << "breakglass: warning: " << base::escape_terminal_line(failure.what()) << '\n';
        }
    }
    if (m_failure) {
        err << "breakglass: " << base::escape_terminal_line(*m_failure) << " (" << m_lost
            << " node records lost)\n";
        return ExitCode::config_or_state;
    }
    return ExitCode::ok;
}

} // namespace breakglass::cli
