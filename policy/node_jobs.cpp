#include "policy/node_jobs.hpp"

#include "containment/runtime_settings.hpp"
#include "playbooks/parameters.hpp"

#include <algorithm>
#include <utility>

namespace breakglass::policy {

transport::NodeJob job_of(const std::vector<playbooks::RenderedStep>& steps) {
    transport::NodeJob job;
    for (const playbooks::RenderedStep& step : steps) {
        job.steps.push_back({step.name, step.command,
                             step.timeout.value_or(std::chrono::milliseconds(0)), step.become});
    }
    return job;
}

std::vector<std::string> runtime_assignments(const NodeRuntime& runtime, RuntimeParams which) {
    return containment::runtime_params(which.socket ? runtime.socket : std::string(), runtime.unit,
                                       which.unit);
}

tl::expected<std::vector<std::shared_ptr<const transport::NodeJob>>, NodeJobError>
node_jobs(const playbooks::Playbook& playbook, const std::vector<std::string>& assignments,
          const std::vector<NodeRuntime>& runtimes, const NodeRuntime& run_runtime,
          RuntimeParams which) {
    // Only the parameters the playbook takes can make a node's job differ.
    const auto runs_the_runs_job = [&](const NodeRuntime& node) {
        return (!which.socket || node.socket == run_runtime.socket) &&
               (!which.unit || node.unit == run_runtime.unit);
    };
    std::vector<std::shared_ptr<const transport::NodeJob>> jobs;
    std::vector<std::pair<NodeRuntime, std::shared_ptr<const transport::NodeJob>>> made;
    for (std::size_t i = 0; i < runtimes.size(); ++i) {
        const NodeRuntime& node = runtimes[i];
        if (runs_the_runs_job(node)) {
            continue;
        }
        if (jobs.empty()) {
            jobs.resize(runtimes.size());
        }
        auto found = std::find_if(made.begin(), made.end(),
                                  [&](const auto& entry) { return entry.first == node; });
        if (found == made.end()) {
            std::vector<std::string> bound_with = assignments;
            for (std::string& param : runtime_assignments(node, which)) {
                bound_with.push_back(std::move(param));
            }
            auto bound = playbooks::bind_parameters(playbook, bound_with);
            if (!bound) {
                return tl::unexpected(NodeJobError{i, bound.error()});
            }
            made.emplace_back(node, std::make_shared<const transport::NodeJob>(
                                        job_of(playbooks::render_steps(playbook, *bound))));
            found = made.end() - 1;
        }
        jobs[i] = found->second;
    }
    return jobs;
}

} // namespace breakglass::policy
