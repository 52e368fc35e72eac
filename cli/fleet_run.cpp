#include "cli/fleet_run.hpp"

#include "base/terminal_escape.hpp"
#include "cli/continue_file.hpp"
#include "cli/failure.hpp"
#include "cli/interrupt.hpp"
#include "cli/rollout_display.hpp"
#include "cli/run_end.hpp"
#include "cli/setting_flags.hpp"
#include "cli/staged_run.hpp"
#include "policy/connection_plan.hpp"
#include "policy/rollout_limits.hpp"
#include "rollout/failure_budget.hpp"
#include "rollout/limits_text.hpp"
#include "rollout/seed.hpp"
#include "transport/identity.hpp"

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>
#include <unistd.h>

namespace breakglass::cli {

namespace {

using Clock = std::chrono::steady_clock;

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
    auto plan =
        policy::plan_connections(run.settings, selected.inventory, selected.indices,
                                 selected.become, run.flags.accept_new_host_keys, context.env);
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
    view.load =
        policy::load_budget(plan->targets, run.job, plan->limits.parallel, plan->limits.rate,
                            plan->limits.jump_parallel, plan->session.max_output);

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
    // A mutating run's first signal lets sessions in flight finish (a half-done freeze is worse
    // than a finished one); a read-only run has nothing to finish. Installed before run-start
    // is written, so a signal from here on ends the run with its run-end record.
    set_drain_first(run.mutating);
    install_interrupt_handler();
    RunAudit audit(context, run.settings, selected); // run-start on disk before any contact
    audit.start(plan->targets, run.job, waves ? &*waves : nullptr);

    const auto start = Clock::now();
    const auto deadline = plan->limits.deadline.count() > 0 ? start + plan->limits.deadline
                                                            : Clock::time_point::max();
    StagedRun staged(run, *plan, output, names.size());
    staged.set_audit(&audit);
    Stop stop = Stop::none;
    std::optional<rollout::FailureBudget> budget;
    if (!run.mutating) {
        std::vector<std::size_t> all(names.size());
        for (std::size_t i = 0; i < all.size(); ++i) {
            all[i] = i;
        }
        if (!staged.run_stage(all, nullptr, false, deadline)) {
            stop = Stop::audit;
        }
    } else {
        budget.emplace(limits->max_failures.effective.value, names.size(),
                       run.flags.rollout.ignore_unreachable);
        const auto between_stages = [&] {
            return rollout::BetweenStages{draining(), audit.healthy(), budget->crossed(),
                                          Clock::now() >= deadline};
        };
        for (std::size_t s = 0; s < waves->waves.size(); ++s) {
            const rollout::Wave& wave = waves->waves[s];
            if (rollout::pause_before_stage(s, limits->pause.effective.value, between_stages())) {
                pause_between_stages(limits->pause.effective.value);
            }
            stop = rollout::stop_before_stage(between_stages());
            if (stop != Stop::none) {
                break;
            }
            if (ask && rollout::ask_before_stage(*waves, s)) {
                std::string question;
                if (s > 0) {
                    question = "canary: " + staged.counts(waves->waves[s - 1].nodes) + ". ";
                } else {
                    for (const rollout::Wave& each : waves->waves) {
                        *context.err << "  " << stage_name(each) << ": " << stage_nodes(view, each)
                                     << '\n';
                    }
                }
                question += "Start " + stage_name(wave) + " on " +
                            std::to_string(wave.nodes.size()) +
                            (wave.nodes.size() == 1 ? " node" : " nodes") + " (" +
                            stage_nodes(view, wave) + ")?";
                if (!confirm(context, question)) {
                    stop = draining() ? Stop::interrupted : Stop::declined;
                    break;
                }
            }
            if (context.verbosity >= 0) {
                *context.err << "rollout: " << stage_name(wave) << ": " << wave.nodes.size()
                             << (wave.nodes.size() == 1 ? " node" : " nodes") << '\n';
            }
            if (!staged.run_stage(wave.nodes, &*budget, wave.canary, deadline)) {
                stop = Stop::audit;
                break;
            }
        }
        if (stop == Stop::none) {
            stop = rollout::stop_after_last_stage(budget->crossed(), budget->not_started(),
                                                  draining());
        }
    }
    staged.skip_the_rest(stop == Stop::none ? Stop::interrupted : stop);
    output.finish(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start));

    context.result =
        run_exit_code({signals_received() > 0, budget && budget->crossed(), stop, output.all_ok()});
    switch (context.result) {
    case ExitCode::failure_budget_exceeded:
        *context.err << "breakglass: " << rollout::budget_message(*budget) << '\n';
        break;
    case ExitCode::config_or_state:
        *context.err << "breakglass: the audit log cannot be written: the stages not started "
                        "were skipped\n";
        break;
    case ExitCode::confirmation_refused:
        *context.err << "breakglass: not confirmed: the nodes not started were skipped\n";
        break;
    default:
        break;
    }
    const std::vector<std::string> left = staged.names_not_done(selected);
    if (const std::string why = continue_reason(context.result); !left.empty() && !why.empty()) {
        auto file = write_continue_file(run.settings, left, why);
        if (!file) {
            *context.err << "breakglass: warning: cannot write the nodes not done: "
                         << base::escape_terminal_line(file.error()) << '\n';
        } else {
            *context.err << "breakglass: " << left.size() << (left.size() == 1 ? " node" : " nodes")
                         << " not done, listed in " << base::escape_terminal_line(*file)
                         << "; to continue with them:\n  "
                         << base::escape_terminal_line(continue_command(context.argv, *file))
                         << '\n';
        }
    }
    context.result = most_severe(
        context.result,
        audit.finish(audit.end_reason(signals_received() > 0, budget && budget->crossed(),
                                      stop == Stop::declined, stop == Stop::deadline)));
}

} // namespace breakglass::cli
