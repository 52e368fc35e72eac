#include "containment/outcome.hpp"

namespace breakglass::containment {

namespace {

// The last non-empty line of a failing step's stderr: the playbook's own one-line reason.
std::string last_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    const std::size_t newline = text.rfind('\n');
    return std::string(newline == std::string_view::npos ? text : text.substr(newline + 1));
}

} // namespace

NodeJudgement judge_node(const ActionSpec& action, const NodeRun& run) {
    NodeJudgement judgement;
    judgement.reason = run.reason;
    judgement.message = run.message;
    bool ok = run.ok;
    auto report = parse_kept_report(run.steps);
    if (report) {
        judgement.report = std::move(*report);
        // A report that could not be read stays bad-report: the exit status alone is not the story.
        if (run.exited_non_zero && run.exit_code) {
            judgement.reason = std::string(to_string(failure_reason(*run.exit_code)));
            if (std::string said = last_line(run.last_stderr); !said.empty()) {
                judgement.message = std::move(said);
            }
        }
    } else {
        ok = false;
        judgement.reason = std::string(to_string(FailureReason::bad_report));
        judgement.message = "unreadable playbook output: " + report.error();
    }
    if (action.command == "status") {
        judgement.failed = !ok;
        judgement.word = ok ? std::string(to_string(presence_of(judgement.report))) : "failed";
        return judgement;
    }
    const ActionOutcome outcome = outcome_of(ok, judgement.report);
    judgement.failed = outcome == ActionOutcome::failed;
    judgement.already = outcome == ActionOutcome::already;
    judgement.word = std::string(outcome_word(action, outcome));
    return judgement;
}

} // namespace breakglass::containment
