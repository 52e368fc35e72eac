#include "policy/job_digest.hpp"

#include "playbooks/digest.hpp"

namespace breakglass::policy {

std::string job_sha256(const transport::NodeJob& job) {
    std::string bytes;
    const auto add = [&bytes](const std::string& field) {
        bytes += std::to_string(field.size());
        bytes += ':';
        bytes += field;
        bytes += ',';
    };
    for (const transport::JobStep& step : job.steps) {
        add(step.name);
        add(step.become ? "become" : "");
        add(std::to_string(step.timeout.count()));
        add(step.command);
    }
    return playbooks::sha256_hex(bytes);
}

} // namespace breakglass::policy
