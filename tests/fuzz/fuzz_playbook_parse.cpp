// libFuzzer target: the playbook parser (strict schema, RFC 3339 times, parameter patterns),
// then parameter binding and rendering of whatever parses. Invariants: every rendered script
// starts with the prologue, and every value survives shell quoting byte for byte.

#include "base/shell_quote.hpp"
#include "playbooks/parameters.hpp"
#include "playbooks/playbook_format.hpp"
#include "playbooks/render.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// What sh makes of one single-quoted word (the only form shell_quote writes): '...' and \'.
std::string unquote(std::string_view word) {
    std::string text;
    bool quoted = false;
    for (std::size_t at = 0; at < word.size(); ++at) {
        if (word[at] == '\'') {
            quoted = !quoted;
        } else if (!quoted && word[at] == '\\' && at + 1 < word.size()) {
            text += word[++at];
        } else if (quoted) {
            text += word[at];
        } else {
            std::abort(); // an unquoted byte the shell would interpret
        }
    }
    if (quoted) {
        std::abort();
    }
    return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace breakglass::playbooks;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (unquote(breakglass::base::shell_quote(input)) != input) {
        std::abort();
    }
    auto playbook = parse_playbook(input);
    if (!playbook) {
        return 0;
    }
    // Bind every parameter to the input itself: most are refused by their pattern, which is
    // the point; defaults cover the rest.
    std::vector<std::string> assignments;
    for (const ParamSpec& param : playbook->params) {
        if (param.required) {
            assignments.push_back(param.name + "=" + std::string(input.substr(0, 16)));
        }
    }
    auto bound = bind_parameters(*playbook, assignments);
    if (!bound) {
        return 0;
    }
    for (const RenderedStep& step : render_steps(*playbook, *bound)) {
        if (step.script.rfind("set -eu\n", 0) != 0 || step.command.rfind("sh -euc '", 0) != 0 ||
            unquote(std::string_view(step.command).substr(8)) != step.script) {
            std::abort();
        }
    }
    return 0;
}
