#include "cli/rollout_display.hpp"

#include "base/terminal_escape.hpp"
#include "inventory/node_set.hpp"
#include "rollout/limits_text.hpp"
#include "transport/become.hpp"

#include <algorithm>

namespace breakglass::cli {

namespace {

std::string nodes_word(std::size_t count) {
    return std::to_string(count) + (count == 1 ? " node" : " nodes");
}

std::vector<std::string_view> sorted_names(const RunPlanView& view,
                                           const std::vector<std::size_t>& indices) {
    std::vector<std::size_t> sorted = indices;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::string_view> names;
    names.reserve(sorted.size());
    for (std::size_t index : sorted) {
        names.emplace_back(view.names[index]);
    }
    return names;
}

std::string limit_source(rollout::Origin origin) {
    return std::string(rollout::to_string(origin));
}

// The become wrappings in use, and how many nodes get each.
struct Wrapping {
    transport::BecomeMethod method;
    std::size_t nodes = 0;
};

std::vector<Wrapping> wrappings(const std::vector<transport::NodeTarget>& targets) {
    std::vector<Wrapping> found;
    for (const transport::NodeTarget& target : targets) {
        auto same = std::find_if(found.begin(), found.end(),
                                 [&](const Wrapping& w) { return w.method == target.become; });
        if (same == found.end()) {
            found.push_back({target.become, 1});
        } else {
            ++same->nodes;
        }
    }
    return found;
}

// The nodes that receive each distinct job: the run's, and each node's own (node_jobs).
struct JobGroup {
    const transport::NodeJob* job = nullptr;
    std::vector<const transport::NodeTarget*> targets;
};

std::vector<JobGroup> job_groups(const std::vector<transport::NodeTarget>& targets,
                                 const transport::NodeJob& job) {
    std::vector<JobGroup> groups;
    for (const transport::NodeTarget& target : targets) {
        const transport::NodeJob* own = target.job ? target.job.get() : &job;
        auto found = std::find_if(groups.begin(), groups.end(),
                                  [&](const JobGroup& group) { return group.job == own; });
        if (found == groups.end()) {
            groups.push_back({own, {&target}});
        } else {
            found->targets.push_back(&target);
        }
    }
    return groups;
}

std::string steps_text(const transport::NodeJob& job,
                       const std::vector<transport::NodeTarget>& targets) {
    std::string text;
    for (const transport::JobStep& step : job.steps) {
        if (!step.become) {
            text += "step " + base::escape_terminal_line(step.name) + ", sent as is:\n" +
                    base::escape_terminal_text(step.command) + "\n";
            continue;
        }
        for (const Wrapping& wrapping : wrappings(targets)) {
            text +=
                "step " + base::escape_terminal_line(step.name) + ", sent to " +
                nodes_word(wrapping.nodes) + " logging in as " +
                (wrapping.method == transport::BecomeMethod::none ? "root" : "another user") +
                ":\n" +
                base::escape_terminal_text(transport::with_become(step.command, wrapping.method)) +
                "\n";
        }
    }
    return text;
}

nlohmann::json steps_json(const transport::NodeJob& job,
                          const std::vector<transport::NodeTarget>& targets) {
    nlohmann::json steps = nlohmann::json::array();
    for (const transport::JobStep& step : job.steps) {
        nlohmann::json sent = nlohmann::json::array();
        for (const Wrapping& wrapping : wrappings(targets)) {
            sent.push_back(
                {{"become", std::string(transport::to_string(wrapping.method))},
                 {"nodes", wrapping.nodes},
                 {"command", step.become ? transport::with_become(step.command, wrapping.method)
                                         : step.command}});
        }
        steps.push_back({{"name", step.name}, {"sent", std::move(sent)}});
    }
    return steps;
}

} // namespace

std::string stage_name(const rollout::Wave& wave) {
    return wave.canary
               ? std::string("canary")
               : "wave " + std::to_string(wave.number) + " (" + std::to_string(wave.percent) + "%)";
}

std::string stage_nodes(const RunPlanView& view, const rollout::Wave& wave) {
    return base::escape_terminal_line(inventory::fold_node_set(sorted_names(view, wave.nodes)));
}

std::vector<std::string> header_lines(const RunPlanView& view) {
    std::vector<std::string> lines;
    if (view.mutating && view.plan != nullptr && view.limits != nullptr) {
        const rollout::RolloutLimits& limits = *view.limits;
        std::string stages;
        for (const rollout::Wave& wave : view.plan->waves) {
            stages += (stages.empty() ? "" : ", ") + stage_name(wave) + " " +
                      std::to_string(wave.nodes.size());
        }
        lines.push_back("rollout: " + nodes_word(view.names.size()) + " in " +
                        std::to_string(view.plan->waves.size()) + " stages: " + stages + "; seed " +
                        std::to_string(view.plan->seed));
        lines.push_back(
            "rollout: failure budget " + rollout::to_text(limits.max_failures.effective.value) +
            " (" + limit_source(limits.max_failures.effective.origin) + "): at most " +
            std::to_string(view.allowed_failures) + " failed of " +
            std::to_string(view.names.size()) +
            (limits.canary.effective.value > 0 ? ", and any canary failure stops the run" : "") +
            "; pause between stages " + rollout::to_text(limits.pause.effective.value));
        for (const std::string& note : rollout::loosening_notes(limits)) {
            lines.push_back("rollout: " + note);
        }
    }
    lines.push_back(policy::describe(view.load));
    return lines;
}

std::string dry_run_text(const RunPlanView& view, const std::vector<transport::NodeTarget>& targets,
                         const transport::NodeJob& job) {
    std::string text = "dry run: " + base::escape_terminal_line(view.change) + " on " +
                       nodes_word(view.names.size()) +
                       (view.mutating ? " (changes nodes)" : " (read-only: one stage, no budget)") +
                       "; nothing is contacted\n";
    for (const std::string& line : header_lines(view)) {
        text += line + '\n';
    }
    if (view.mutating && view.plan != nullptr) {
        for (const rollout::Wave& wave : view.plan->waves) {
            text += stage_name(wave) + ": " + nodes_word(wave.nodes.size()) + ": " +
                    stage_nodes(view, wave) + '\n';
        }
    } else {
        std::vector<std::size_t> all(view.names.size());
        for (std::size_t i = 0; i < all.size(); ++i) {
            all[i] = i;
        }
        text += "all at once: " + nodes_word(all.size()) + ": " +
                base::escape_terminal_line(inventory::fold_node_set(sorted_names(view, all))) +
                '\n';
    }
    for (const JobGroup& group : job_groups(targets, job)) {
        if (group.targets.size() != targets.size()) {
            std::vector<std::string_view> names;
            for (const transport::NodeTarget* target : group.targets) {
                names.emplace_back(target->name);
            }
            std::sort(names.begin(), names.end());
            text += "for " + nodes_word(names.size()) + " (" +
                    base::escape_terminal_line(inventory::fold_node_set(names)) +
                    ", their own parameters):\n";
        }
        std::vector<transport::NodeTarget> members;
        for (const transport::NodeTarget* target : group.targets) {
            members.push_back(*target);
        }
        text += steps_text(*group.job, members);
    }
    return text;
}

nlohmann::json dry_run_json(const RunPlanView& view,
                            const std::vector<transport::NodeTarget>& targets,
                            const transport::NodeJob& job) {
    nlohmann::json stages = nlohmann::json::array();
    if (view.mutating && view.plan != nullptr) {
        for (const rollout::Wave& wave : view.plan->waves) {
            nlohmann::json names = nlohmann::json::array();
            for (std::string_view name : sorted_names(view, wave.nodes)) {
                names.push_back(name);
            }
            stages.push_back(
                {{"stage", wave.canary ? "canary" : "wave"},
                 {"percent", wave.canary ? nlohmann::json() : nlohmann::json(wave.percent)},
                 {"nodes", std::move(names)}});
        }
    } else {
        stages.push_back({{"stage", "all"}, {"percent", 100}, {"nodes", view.names}});
    }
    // "steps": what the nodes without a job of their own receive; "node_jobs": the others,
    // each with its nodes (a node's own runtime socket or kubelet unit).
    nlohmann::json steps = nlohmann::json::array();
    nlohmann::json node_jobs = nlohmann::json::array();
    for (const JobGroup& group : job_groups(targets, job)) {
        std::vector<transport::NodeTarget> members;
        nlohmann::json names = nlohmann::json::array();
        for (const transport::NodeTarget* target : group.targets) {
            members.push_back(*target);
            names.push_back(target->name);
        }
        if (group.job == &job) {
            steps = steps_json(job, members);
        } else {
            node_jobs.push_back(
                {{"nodes", std::move(names)}, {"steps", steps_json(*group.job, members)}});
        }
    }
    nlohmann::json document = {
        {"schema_version", 1},
        {"type", "plan"},
        {"change", view.change},
        {"mutating", view.mutating},
        {"stages", std::move(stages)},
        {"steps", std::move(steps)},
        {"node_jobs", std::move(node_jobs)},
        {"load",
         {{"sessions_in_flight", view.load.sessions_in_flight},
          {"connections_per_second", view.load.connections_per_second},
          {"channels_per_bastion", view.load.channels_per_bastion},
          {"bytes_sent_per_node", view.load.bytes_sent_per_node},
          {"output_kept_per_stream_and_step", view.load.output_kept_per_node}}},
    };
    if (view.mutating && view.plan != nullptr && view.limits != nullptr) {
        document["seed"] = view.plan->seed;
        document["max_failures"] = rollout::to_text(view.limits->max_failures.effective.value);
        document["allowed_failures"] = view.allowed_failures;
        document["pause_ms"] = view.limits->pause.effective.value.count();
        document["canary"] = view.limits->canary.effective.value;
        document["waves"] = rollout::to_text(view.limits->waves.effective.value);
    }
    return document;
}

} // namespace breakglass::cli
