#include "cli/fleet_run.hpp"

#include "base/rfc3339.hpp"
#include "base/shell_quote.hpp"
#include "base/system_error.hpp"
#include "base/terminal_escape.hpp"
#include "cli/failure.hpp"
#include "cli/interrupt.hpp"
#include "cli/rollout_display.hpp"
#include "cli/run_audit.hpp"
#include "cli/setting_flags.hpp"
#include "config/paths.hpp"
#include "inventory/node_list.hpp"
#include "policy/connection_plan.hpp"
#include "policy/rollout_limits.hpp"
#include "rollout/failure_budget.hpp"
#include "rollout/limits_text.hpp"
#include "rollout/seed.hpp"
#include "transport/identity.hpp"

#include <chrono>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <thread>
#include <unistd.h>

namespace breakglass::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Why a staged run ended before every node was done.
enum class Stop { none, budget, interrupted, declined, deadline };

transport::Reason skip_reason(Stop stop) {
    switch (stop) {
    case Stop::budget:
        return transport::Reason::failure_budget;
    case Stop::declined:
        return transport::Reason::declined;
    case Stop::deadline:
        return transport::Reason::deadline_not_started;
    case Stop::none:
    case Stop::interrupted:
        break;
    }
    return transport::Reason::interrupted;
}

transport::NodeResult never_contacted(Stop stop) {
    transport::NodeResult result;
    result.reason = skip_reason(stop);
    if (stop == Stop::deadline) {
        result.status = transport::NodeStatus::timeout;
        result.message = "run deadline reached before start";
    } else {
        result.status = transport::NodeStatus::skipped;
        result.message = stop == Stop::budget     ? "not started: failure budget exceeded"
                         : stop == Stop::declined ? "not started: the responder declined"
                                                  : "not started: interrupted";
    }
    return result;
}

bool started(const transport::NodeResult& result) {
    return result.status != transport::NodeStatus::skipped &&
           result.reason != transport::Reason::deadline_not_started;
}

// A node the run did not finish: never contacted, or cancelled in flight.
bool not_done(const transport::NodeResult& result) {
    return !started(result) || result.reason == transport::Reason::interrupted;
}

// The limits of a mutating run: each source judged by rollout::resolve_limits (an unsigned
// source may only tighten the signed one). Throws Failure: 2 for a flag's text, 4 for a config
// file or environment value that is wrong or would loosen, 5 for the playbook's.
rollout::RolloutLimits resolve_rollout(const Context& context, const FleetRun& run,
                                       std::size_t selected) {
    auto inputs = policy::rollout_limit_inputs([&](config::AnyKey key) {
        return context.setting_layers(key, run.playbook_rollout, run.playbook_origin);
    });
    if (!inputs) {
        const config::Source source = inputs.error().source;
        throw Failure(source == config::Source::flag       ? ExitCode::usage
                      : source == config::Source::playbook ? ExitCode::playbook_refused
                                                           : ExitCode::config_or_state,
                      inputs.error().message);
    }
    auto limits = rollout::resolve_limits(*inputs, selected);
    if (!limits) {
        throw Failure(ExitCode::config_or_state, limits.error().message);
    }
    return std::move(*limits);
}

std::uint64_t seed_of(const FleetRun& run, const std::vector<std::string>& names) {
    if (run.flags.rollout.seed.empty()) {
        return rollout::derive_seed(run.change, names);
    }
    auto seed = rollout::parse_seed(run.flags.rollout.seed);
    if (!seed) {
        throw Failure(ExitCode::usage, "--seed: " + seed.error().message);
    }
    return *seed;
}

std::vector<rollout::PlanNode> plan_nodes(const SelectedFleet& fleet) {
    std::vector<rollout::PlanNode> nodes;
    nodes.reserve(fleet.indices.size());
    for (std::size_t index : fleet.indices) {
        const inventory::Node& node = fleet.inventory.nodes[index];
        auto zone = fleet.inventory.label(node, rollout::k_zone_label);
        nodes.push_back({node.name, zone && !zone->empty()
                                        ? std::optional<std::string>(std::string(*zone))
                                        : std::nullopt});
    }
    return nodes;
}

// Asks on the terminal; only "y" or "yes" goes on. End of input or a signal is a no.
bool confirm(Context& context, const std::string& question) {
    *context.err << question << " [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        std::cin.clear();
        *context.err << '\n';
        return false;
    }
    return answer == "y" || answer == "Y" || answer == "yes";
}

// Waits out the pause between stages; a signal ends it early (the caller then stops).
void pause_between_stages(std::chrono::milliseconds pause) {
    const auto until = Clock::now() + pause;
    while (!draining() && Clock::now() < until) {
        std::this_thread::sleep_for(
            std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
    }
}

// A word as the shell reads it back: as is when it holds only characters no shell treats
// specially, else single-quoted.
std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789_./:=@%+,-") == std::string::npos;
    return plain ? word : base::shell_quote(word);
}

// The command line again with its selection (-l, -w, -x, --limit) replaced by -w ^FILE, put
// before a `--` (after it, words are the remote command's).
std::string continue_command(const std::vector<std::string>& argv, const std::string& file) {
    static const char* const with_value[] = {"-l", "--selector", "-w", "--nodes",
                                             "-x", "--exclude",  "--limit"};
    std::vector<std::string> words;
    bool inserted = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& word = argv[i];
        if (word == "--" && !inserted) {
            words.insert(words.end(), {"-w", "^" + file});
            inserted = true;
            words.push_back(word);
            words.insert(words.end(), argv.begin() + std::ptrdiff_t(i) + 1, argv.end());
            break;
        }
        bool selection = false;
        for (const char* flag : with_value) {
            const std::string name = flag;
            if (word == name) {
                ++i; // and its value
                selection = true;
            } else if (word.rfind(name + "=", 0) == 0 ||
                       (name.size() == 2 && word.size() > 2 && word.rfind(name, 0) == 0)) {
                selection = true; // --nodes=X, -wX
            }
        }
        if (!selection) {
            words.push_back(word);
        }
    }
    if (!inserted) {
        words.insert(words.end(), {"-w", "^" + file});
    }
    std::string command;
    for (const std::string& word : words) {
        command += (command.empty() ? "" : " ") + shell_word(word);
    }
    return command;
}

// Writes the names not yet done to a new file in the state dir; the path, or an error line.
tl::expected<std::string, std::string> write_continue_file(const config::Settings& settings,
                                                           const std::vector<std::string>& names,
                                                           const std::string& why) {
    const std::string dir = settings.text("state_dir");
    if (auto writable = config::ensure_writable_dir(dir); !writable) {
        return tl::unexpected(writable.error());
    }
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    std::string stamp = base::format_rfc3339(now);
    for (char& c : stamp) {
        c = c == ':' ? '-' : c;
    }
    const std::string path =
        dir + "/continue-" + stamp + "-" + std::to_string(::getpid()) + ".nodes";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return tl::unexpected(path + ": " + base::errno_text(errno));
    }
    const std::string text = inventory::format_node_list(
        names, {"breakglass: nodes not done when the run stopped (" + why + ")",
                "continue with: breakglass ... -w ^" + path});
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int error = errno;
            ::close(fd);
            return tl::unexpected(path + ": " + base::errno_text(error));
        }
        written += std::size_t(n);
    }
    if (::close(fd) != 0) {
        return tl::unexpected(path + ": " + base::errno_text(errno));
    }
    return path;
}

// One staged (or, read-only, single-stage) run: the stages one after another, the budget fed
// as results arrive, every node reported exactly once.
class StagedRun {
public:
    StagedRun(Context& context, const FleetRun& run, policy::ConnectionPlan& plan,
              FleetOutput& output, std::size_t selected)
        : m_context(context), m_run(run), m_plan(plan), m_output(output),
          m_results(selected) {}

    // Runs `nodes` (indices into the selection); `budget` may be null (read-only).
    void run_stage(const std::vector<std::size_t>& nodes, rollout::FailureBudget* budget,
                   bool canary, Clock::time_point deadline) {
        std::vector<transport::NodeTarget> targets;
        targets.reserve(nodes.size());
        for (std::size_t node : nodes) {
            targets.push_back(m_plan.targets[node]);
        }
        transport::SessionSettings& session = m_plan.session;
        session.on_output = [&](std::size_t local, std::string_view data, bool is_stderr) {
            m_output.on_output(nodes[local], data, is_stderr);
        };
        session.on_step_end = [&](std::size_t local) { m_output.on_step_end(nodes[local]); };
        transport::FanOutLimits limits = m_plan.limits;
        limits.cancel = &interrupted();
        if (deadline != Clock::time_point::max()) {
            limits.deadline = std::max(std::chrono::milliseconds(1),
                                       std::chrono::duration_cast<std::chrono::milliseconds>(
                                           deadline - Clock::now()));
        }
        if (budget != nullptr) {
            limits.hold = [budget] {
                if (draining()) {
                    return transport::Reason::interrupted;
                }
                return budget->start() ? transport::Reason::none
                                       : transport::Reason::failure_budget;
            };
        }
        if (m_audit != nullptr && !m_audit->wave_start(targets)) {
            return; // no wave-start on disk: its nodes are not contacted (RunAudit::finish says why)
        }
        transport::run_fanout(targets, m_run.job, session, limits,
                              [&](std::size_t local, transport::NodeResult&& result) {
                                  finished(nodes[local], std::move(result), budget, canary);
                              });
    }

    // Where node results and wave starts are recorded (the audit log).
    void set_audit(RunAudit* audit) { m_audit = audit; }

    // Every node not reported yet ends as never contacted, for `stop`.
    void skip_the_rest(Stop stop) {
        for (std::size_t node = 0; node < m_results.size(); ++node) {
            if (!m_results[node].reported) {
                finished(node, never_contacted(stop), nullptr, false);
            }
        }
    }

    std::vector<std::string> names_not_done(const SelectedFleet& fleet) const {
        std::vector<std::string> names;
        for (std::size_t node = 0; node < m_results.size(); ++node) {
            if (m_results[node].not_done) {
                names.push_back(fleet.inventory.nodes[fleet.indices[node]].name);
            }
        }
        return names;
    }

    // "1 ok, 1 failed" over `nodes`.
    std::string counts(const std::vector<std::size_t>& nodes) const {
        std::map<std::string, std::size_t> by_status;
        for (std::size_t node : nodes) {
            ++by_status[m_results[node].ok ? "ok" : m_results[node].status];
        }
        std::string text;
        for (const auto& [status, count] : by_status) {
            text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + status;
        }
        return text;
    }

private:
    struct Reported {
        bool reported = false;
        bool not_done = false;
        bool ok = false;
        std::string status;
    };

    void finished(std::size_t node, transport::NodeResult&& result, rollout::FailureBudget* budget,
                  bool canary) {
        if (m_audit != nullptr) {
            m_audit->node_finished(node, result);
        }
        const transport::NodeStatus status = result.status;
        const transport::Reason reason = result.reason;
        const bool was_started = started(result);
        Reported& entry = m_results[node];
        entry.reported = true;
        entry.not_done = not_done(result);
        entry.status = std::string(transport::to_string(status));
        m_output.on_finished(node, std::move(result));
        entry.ok = m_output.node_ok(node);
        if (budget != nullptr && was_started) {
            budget->record(policy::budget_outcome(status, reason, entry.ok),
                           canary ? rollout::Stage::canary : rollout::Stage::wave);
        }
    }

    Context& m_context;
    const FleetRun& m_run;
    policy::ConnectionPlan& m_plan;
    FleetOutput& m_output;
    std::vector<Reported> m_results;
    RunAudit* m_audit = nullptr;
};

} // namespace

void add_connection_flags(CLI::App& command, Context& context, ConnectionFlags& flags) {
    for (const char* key :
         {"parallel", "rate", "connect_timeout", "handshake_timeout", "timeout", "deadline",
          "max_output", "known_hosts", "user", "jump", "jump_parallel", "identity"}) {
        const std::string name = key;
        add_setting_flag(command, context, key,
                         name == "parallel" ? "-p" : (name == "jump" ? "-J" : ""));
    }
    // The become setting's flag: exec's --become already says whether to use it at all.
    command
        .add_option_function<std::vector<std::string>>(
            "--become-method",
            [&context](const std::vector<std::string>& values) {
                context.flags["become"] = values;
            },
            "become method for logins other than root: sudo or none (default sudo)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    command.add_flag("--accept-new-host-keys", flags.accept_new_host_keys,
                     "trust and record unknown host keys in known_hosts (never changed ones)");
}

void add_rollout_flags(CLI::App& command, Context& context, RolloutFlags& flags) {
    for (const char* key : {"canary", "waves", "max_failures", "pause"}) {
        add_setting_flag(command, context, key);
    }
    command.add_option("--seed", flags.seed,
                       "seed of the wave order (default: derived from the change and the nodes)");
    command.add_flag("--ignore-unreachable", flags.ignore_unreachable,
                     "unreachable nodes do not count against --max-failures");
    command.add_flag("-y,--yes", flags.yes,
                     "change nodes without asking (required without a terminal)");
    command.add_flag("--dry-run", flags.dry_run,
                     "print the plan (stages, limits, the script each node gets); contact nothing");
}

std::vector<NodeLabel> node_labels(const SelectedFleet& fleet) {
    std::vector<NodeLabel> labels;
    labels.reserve(fleet.indices.size());
    for (std::size_t index : fleet.indices) {
        labels.push_back({fleet.inventory.nodes[index].name, fleet.inventory.nodes[index].address});
    }
    return labels;
}

void run_on_fleet(Context& context, const FleetRun& run, FleetOutput& output) {
    const SelectedFleet& selected = run.fleet;
    // Every input is checked before a key file is read: credentials come last.
    auto plan = policy::plan_connections(run.settings, selected.inventory, selected.indices,
                                         selected.become, run.flags.accept_new_host_keys,
                                         context.env);
    if (!plan) {
        throw plan_failure(plan.error());
    }
    if (run.node_jobs != nullptr && !run.node_jobs->empty()) {
        for (std::size_t i = 0; i < plan->targets.size(); ++i) {
            plan->targets[i].job = (*run.node_jobs)[i];
        }
    }
    std::vector<std::string> names;
    names.reserve(selected.indices.size());
    for (std::size_t index : selected.indices) {
        names.push_back(selected.inventory.nodes[index].name);
    }
    std::optional<rollout::RolloutLimits> limits;
    std::optional<rollout::WavePlan> waves;
    RunPlanView view;
    view.change = run.change;
    view.mutating = run.mutating;
    view.names = names;
    if (run.mutating) {
        limits = resolve_rollout(context, run, names.size());
        rollout::WaveSettings wave_settings{limits->canary.effective.value,
                                            limits->waves.effective.value, seed_of(run, names)};
        waves = rollout::plan_waves(plan_nodes(selected), wave_settings);
        view.plan = &*waves;
        view.limits = &*limits;
        view.allowed_failures =
            rollout::allowed_failures(limits->max_failures.effective.value, names.size());
    }
    view.load = policy::load_budget(plan->targets, run.job, plan->limits.parallel,
                                    plan->limits.rate, plan->limits.jump_parallel,
                                    plan->session.max_output);

    if (run.flags.rollout.dry_run) {
        if (run.json_plan) {
            *context.out << dry_run_json(view, plan->targets, run.job).dump() << '\n';
        } else {
            *context.out << dry_run_text(view, plan->targets, run.job);
        }
        context.result = ExitCode::ok;
        return;
    }
    const bool ask = run.mutating && !run.flags.rollout.yes;
    if (ask && !(::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1)) {
        throw Failure(ExitCode::confirmation_refused,
                      "this run changes nodes and there is no terminal to confirm it on: pass "
                      "--yes to run it, or --dry-run to see the plan; no node was contacted");
    }
    if (run.mutating && context.verbosity >= 0) {
        for (const std::string& line : header_lines(view)) {
            *context.err << line << '\n';
        }
    }

    auto credentials =
        transport::load_credentials(plan->identity_paths, plan->home, plan->use_agent);
    if (!credentials) {
        throw Failure(ExitCode::config_or_state, credentials.error());
    }
    plan->session.credentials = &*credentials;
    RunAudit audit(context, run.settings, selected); // run-start on disk before any contact
    audit.start(plan->targets, run.job, waves ? &*waves : nullptr);
    install_interrupt_handler();
    // A mutating run's first signal lets sessions in flight finish (a half-done freeze is worse
    // than a finished one); a read-only run has nothing to finish.
    set_drain_first(run.mutating);

    const auto start = Clock::now();
    const auto deadline = plan->limits.deadline.count() > 0
                              ? start + plan->limits.deadline
                              : Clock::time_point::max();
    StagedRun staged(context, run, *plan, output, names.size());
    staged.set_audit(&audit);
    Stop stop = Stop::none;
    std::optional<rollout::FailureBudget> budget;
    if (!run.mutating) {
        std::vector<std::size_t> all(names.size());
        for (std::size_t i = 0; i < all.size(); ++i) {
            all[i] = i;
        }
        staged.run_stage(all, nullptr, false, deadline);
    } else {
        budget.emplace(limits->max_failures.effective.value, names.size(),
                       run.flags.rollout.ignore_unreachable);
        std::size_t wave_number = 0;
        for (std::size_t s = 0; s < waves->waves.size(); ++s) {
            const rollout::Wave& wave = waves->waves[s];
            wave_number += wave.canary ? 0U : 1U;
            if (s > 0 && limits->pause.effective.value.count() > 0 && !budget->crossed() &&
                !draining()) {
                pause_between_stages(limits->pause.effective.value);
            }
            if (draining()) {
                stop = Stop::interrupted;
                break;
            }
            if (budget->crossed()) {
                stop = Stop::budget;
                break;
            }
            if (Clock::now() >= deadline) {
                stop = Stop::deadline;
                break;
            }
            // Ask before the first stage, and once more after the canary.
            if (ask && (s == 0 || waves->waves[s - 1].canary)) {
                std::string question;
                if (s > 0) {
                    question = "canary: " + staged.counts(waves->waves[s - 1].nodes) + ". ";
                } else {
                    for (std::size_t t = 0, n = 0; t < waves->waves.size(); ++t) {
                        n += waves->waves[t].canary ? 0U : 1U;
                        *context.err << "  " << stage_name(waves->waves[t], n) << ": "
                                     << stage_nodes(view, waves->waves[t]) << '\n';
                    }
                }
                question += "Start " + stage_name(wave, wave_number) + " on " +
                            std::to_string(wave.nodes.size()) +
                            (wave.nodes.size() == 1 ? " node" : " nodes") + " (" +
                            stage_nodes(view, wave) + ")?";
                if (!confirm(context, question)) {
                    stop = draining() ? Stop::interrupted : Stop::declined;
                    break;
                }
            }
            if (context.verbosity >= 0) {
                *context.err << "rollout: " << stage_name(wave, wave_number) << ": "
                             << wave.nodes.size() << (wave.nodes.size() == 1 ? " node" : " nodes")
                             << '\n';
            }
            staged.run_stage(wave.nodes, &*budget, wave.canary, deadline);
        }
        if (stop == Stop::none && budget->crossed() && budget->not_started() > 0) {
            stop = Stop::budget;
        }
        if (stop == Stop::none && draining()) {
            stop = Stop::interrupted;
        }
    }
    staged.skip_the_rest(stop == Stop::none ? Stop::interrupted : stop);
    output.finish(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start));

    if (signals_received() > 0) {
        context.result = ExitCode::interrupted;
    } else if (budget && budget->crossed()) {
        *context.err << "breakglass: " << rollout::budget_message(*budget) << '\n';
        context.result = ExitCode::failure_budget_exceeded;
    } else if (stop == Stop::declined) {
        *context.err << "breakglass: not confirmed: the nodes not started were skipped\n";
        context.result = ExitCode::confirmation_refused;
    } else {
        context.result = output.all_ok() ? ExitCode::ok : ExitCode::nodes_failed;
    }
    const std::vector<std::string> left = staged.names_not_done(selected);
    if (!left.empty() && context.result != ExitCode::ok &&
        context.result != ExitCode::nodes_failed) {
        const std::string why = context.result == ExitCode::interrupted ? "interrupted"
                                : context.result == ExitCode::failure_budget_exceeded
                                    ? "failure budget exceeded"
                                    : "not confirmed";
        auto file = write_continue_file(run.settings, left, why);
        if (!file) {
            *context.err << "breakglass: warning: cannot write the nodes not done: "
                         << base::escape_terminal_line(file.error()) << '\n';
        } else {
            *context.err << "breakglass: " << left.size()
                         << (left.size() == 1 ? " node" : " nodes") << " not done, listed in "
                         << base::escape_terminal_line(*file) << "; to continue with them:\n  "
                         << base::escape_terminal_line(continue_command(context.argv, *file))
                         << '\n';
        }
    }
    context.result = most_severe(
        context.result, audit.finish(audit.end_reason(signals_received() > 0,
                                                      budget && budget->crossed(),
                                                      stop == Stop::declined, stop == Stop::deadline)));
}

} // namespace breakglass::cli
