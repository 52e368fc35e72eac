#include "playbooks/render.hpp"

#include "base/shell_quote.hpp"

namespace breakglass::playbooks {

namespace {

RenderedStep render(std::string name, const std::string& prologue, const std::string& run,
                    std::optional<std::chrono::milliseconds> timeout, bool become) {
    std::string script = prologue + run;
    if (script.back() != '\n') {
        script += '\n';
    }
    std::string command = "sh -euc " + base::shell_quote(script);
    return {std::move(name), std::move(script), std::move(command), timeout, become};
}

} // namespace

std::vector<RenderedStep> render_steps(const Playbook& playbook,
                                       const std::vector<BoundParam>& params) {
    std::string prologue = "set -eu\n";
    for (const BoundParam& param : params) {
        prologue += param.name + "=" + base::shell_quote(param.value) + "\n";
    }
    std::vector<RenderedStep> rendered;
    for (const PlaybookStep& step : playbook.steps) {
        rendered.push_back(render(step.name, prologue, step.run, step.timeout, step.become));
    }
    if (playbook.verify) {
        rendered.push_back(render("verify", prologue, playbook.verify->run,
                                  playbook.verify->timeout, playbook.verify->become));
    }
    return rendered;
}

} // namespace breakglass::playbooks
