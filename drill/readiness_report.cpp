#include "drill/readiness_report.hpp"

#include "base/terminal_escape.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace breakglass::drill {

namespace {

constexpr std::size_t k_max_text = 512;

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool yes_no(std::string_view value, bool& out) {
    if (!one_of(value, {"yes", "no"})) {
        return false;
    }
    out = value == "yes";
    return true;
}

bool is_path(std::string_view value) {
    if (value.empty() || value.front() != '/' || value.size() > 200) {
        return false;
    }
    return std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '/' || c == '-';
    });
}

bool is_unit(std::string_view value) {
    if (value.empty() || value.size() > 100) {
        return false;
    }
    return std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '@' || c == '-';
    });
}

// Printable ASCII only, as drill_readiness.sh writes it (tr -cd '\040-\176'): a byte outside
// that is not the shipped script's, and UTF-8 from a node (bidi controls, invalid sequences)
// never reaches a terminal, a JSON document or a metrics file through this field.
bool printable_ascii(std::string_view value) {
    return value.size() <= k_max_text && std::all_of(value.begin(), value.end(), [](char c) {
               const auto byte = static_cast<unsigned char>(c);
               return byte >= 0x20 && byte < 0x7f;
           });
}

// A node-supplied word for an error message: at most k_max_quoted bytes, escaped for the
// terminal (the message is node text either way, but it is printed and stored on our side).
std::string quoted(std::string_view word) {
    constexpr std::size_t k_max_quoted = 40;
    std::string text = "'" + base::escape_terminal_line(word.substr(0, k_max_quoted)) + "'";
    if (word.size() > k_max_quoted) {
        text += " (cut)";
    }
    return text;
}

// Sets the field `key` from `value`; false when the value is not one the key takes.
bool assign(ReadinessReport& report, std::string_view key, std::string_view value) {
    const std::string text(value);
    if (key == "runtime") {
        report.runtime = text;
        return one_of(value, {"ctr", "crictl", "none"});
    }
    if (key == "runtime_socket") {
        report.runtime_socket = text;
        return value == "none" || is_path(value);
    }
    if (key == "runtime_answers") {
        return yes_no(value, report.runtime_answers);
    }
    if (key == "read_via") {
        report.read_via = text;
        return one_of(value, {"api", "api-fails", "ctr", "crictl", "none"});
    }
    if (key == "cgroup") {
        report.cgroup = text;
        return one_of(value, {"v1", "v2", "hybrid"});
    }
    if (key == "freezer") {
        return yes_no(value, report.freezer);
    }
    if (key == "iptables") {
        return yes_no(value, report.iptables);
    }
    if (key == "nsenter") {
        return yes_no(value, report.nsenter);
    }
    if (key == "systemd") {
        return yes_no(value, report.systemd);
    }
    if (key == "kubelet_unit") {
        const std::size_t space = value.find(' ');
        if (space == std::string_view::npos) {
            return false;
        }
        report.kubelet_unit = std::string(value.substr(0, space));
        report.kubelet_unit_state = std::string(value.substr(space + 1));
        return is_unit(report.kubelet_unit) &&
               one_of(report.kubelet_unit_state, {"known", "unknown", "unchecked"});
    }
    if (key == "kubelet_hold") {
        report.kubelet_hold = text;
        return one_of(value, {"none", "active", "stale"});
    }
    if (key == "journal_last") {
        report.journal_last = text;
        return !value.empty() && printable_ascii(value);
    }
    return false;
}

constexpr std::array<std::string_view, 11> k_keys{
    "runtime", "runtime_socket", "runtime_answers", "cgroup",       "freezer",     "iptables",
    "nsenter", "systemd",        "kubelet_unit",    "kubelet_hold", "journal_last"};
// Keys a report may leave out (printed by newer playbooks only).
constexpr std::array<std::string_view, 1> k_optional_keys{"read_via"};

} // namespace

tl::expected<ReadinessReport, std::string> parse_readiness_report(std::string_view text) {
    ReadinessReport report;
    std::map<std::string_view, bool> seen;
    bool ended = false;
    for (std::size_t number = 1; !text.empty(); ++number) {
        const std::size_t newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        const auto fail = [&](const std::string& why) {
            return tl::unexpected("line " + std::to_string(number) + ": " + why);
        };
        if (ended) {
            return fail("a record after 'ready end'");
        }
        if (line == "ready end") {
            ended = true;
            continue;
        }
        if (line.substr(0, 6) != "ready ") {
            return fail("not a readiness record");
        }
        line.remove_prefix(6);
        const std::size_t space = line.find(' ');
        const std::string_view key = line.substr(0, space);
        const std::string_view value =
            space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        if (std::find(k_keys.begin(), k_keys.end(), key) == k_keys.end() &&
            std::find(k_optional_keys.begin(), k_optional_keys.end(), key) ==
                k_optional_keys.end()) {
            return fail("unknown key " + quoted(key));
        }
        if (seen[key]) {
            return fail(quoted(key) + " repeated");
        }
        seen[key] = true;
        if (!assign(report, key, value)) {
            return fail(quoted(key) + " has a value this version does not read");
        }
    }
    if (!ended) {
        return tl::unexpected(std::string("no 'ready end' line: the report was cut"));
    }
    for (std::string_view key : k_keys) {
        if (!seen[key]) {
            return tl::unexpected("no '" + std::string(key) + "' record");
        }
    }
    return report;
}

std::vector<std::string> readiness_problems(const ReadinessReport& report) {
    std::vector<std::string> problems;
    if (report.runtime == "none") {
        problems.emplace_back("no container runtime tool (neither ctr nor crictl)");
    } else if (report.runtime_socket == "none") {
        problems.emplace_back("no runtime socket (" + report.runtime + " has nothing to talk to)");
    } else if (!report.runtime_answers) {
        problems.push_back("runtime socket " + report.runtime_socket + " does not answer " +
                           report.runtime);
    }
    if (report.read_via == "api-fails") {
        problems.emplace_back("containerd's API fails through curl (the DaemonSet playbooks read "
                              "through it on this node)");
    }
    if (!report.freezer) {
        problems.push_back("no cgroup freezer (cgroup " + report.cgroup + ")");
    }
    if (!report.iptables) {
        problems.emplace_back("no iptables");
    }
    if (!report.nsenter) {
        problems.emplace_back("no nsenter");
    }
    if (report.kubelet_unit_state == "unknown") {
        problems.push_back("systemd does not know the kubelet unit " + report.kubelet_unit);
    }
    if (report.kubelet_hold == "stale") {
        problems.emplace_back("a stale kubelet hold (past its release, or a mask without a "
                              "record): breakglass kubelet release");
    }
    return problems;
}

} // namespace breakglass::drill
