#include "containment/node_report.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

namespace breakglass::containment {

namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    while (start < line.size()) {
        const std::size_t space = line.find(' ', start);
        const std::size_t end = space == std::string_view::npos ? line.size() : space;
        if (end > start) {
            fields.push_back(line.substr(start, end - start));
        }
        start = end + 1;
    }
    return fields;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        if (comma > start) {
            items.emplace_back(text.substr(start, comma - start));
        }
        start = comma + 1;
    }
    return items;
}

std::optional<std::int64_t> number(std::string_view text) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

bool known_fact(std::string_view key) {
    static constexpr std::array<std::string_view, 8> k_keys{
        "cgroup",       "runtime",       "runtime_version", "runtime_socket",
        "kubelet_unit", "kubelet_state", "kubelet_hold",    "read_via"};
    return std::find(k_keys.begin(), k_keys.end(), key) != k_keys.end();
}

struct StepParser {
    NodeReport& report;
    std::vector<MatchedPod> snapshot;
    bool has_snapshot = false;

    tl::expected<void, std::string> line(std::string_view text) {
        if (!text.empty() && text.back() == '\r') {
            text.remove_suffix(1);
        }
        const std::vector<std::string_view> fields = split_fields(text);
        if (fields.empty()) {
            return {};
        }
        const std::string_view kind = fields.front();
        if (kind == "note") {
            const std::size_t at = text.find("note") + 4;
            const std::size_t start = text.find_first_not_of(' ', at);
            report.notes.emplace_back(start == std::string_view::npos ? "" : text.substr(start));
            return {};
        }
        if (kind == "journal") {
            journal_line(text.substr(std::min(text.size(), text.find("journal") + 8)));
            return {};
        }
        if (kind == "sandbox" || kind == "container") {
            if (fields.size() != 6 || !number(fields[5])) {
                return tl::unexpected("malformed " + std::string(kind) + " line");
            }
            return match_line(kind == "sandbox", fields);
        }
        if (kind == "change" && fields.size() == 5) {
            report.changes.push_back({std::string(fields[1]), std::string(fields[2]),
                                      std::string(fields[3]), std::string(fields[4])});
            return {};
        }
        if (kind == "unchanged" && fields.size() == 4) {
            report.unchanged.push_back({std::string(fields[1]), std::string(fields[2]),
                                        std::string(fields[3]), std::string(fields[3])});
            return {};
        }
        if (kind == "matched" && fields.size() == 2 && number(fields[1])) {
            has_snapshot = true; // a snapshot starts, even an empty one
            return {};
        }
        if (kind == "remaining" && fields.size() == 2 && number(fields[1])) {
            report.remaining = *number(fields[1]);
            return {};
        }
        if (kind == "caveat" && fields.size() == 5) {
            report.caveats.push_back({std::string(fields[1]), std::string(fields[2]),
                                      std::string(fields[3]), split_list(fields[4])});
            return {};
        }
        if (kind == "fact" && fields.size() == 3) {
            if (known_fact(fields[1])) {
                report.facts[std::string(fields[1])] = std::string(fields[2]);
            }
            return {};
        }
        if (kind == "change" || kind == "unchanged" || kind == "remaining" || kind == "matched" ||
            kind == "caveat" || kind == "fact") {
            return tl::unexpected("malformed " + std::string(kind) + " line");
        }
        return {}; // for humans only
    }

    void journal_line(std::string_view line) {
        if (auto entry = parse_journal_line(line)) {
            report.journal.push_back(std::move(*entry));
        } else {
            ++report.journal_unreadable;
        }
    }

    tl::expected<void, std::string> match_line(bool sandbox,
                                               const std::vector<std::string_view>& fields) {
        has_snapshot = true;
        const std::int64_t pid = *number(fields[5]);
        report.names[std::string(fields[3])] =
            sandbox ? "sandbox of " + std::string(fields[2]) : std::string(fields[2]);
        if (sandbox) {
            snapshot.push_back({std::string(fields[1]),
                                std::string(fields[2]),
                                std::string(fields[3]),
                                std::string(fields[4]),
                                pid,
                                {}});
            return {};
        }
        if (snapshot.empty() || snapshot.back().uid != fields[1]) {
            return tl::unexpected(std::string("container line before its sandbox"));
        }
        snapshot.back().containers.push_back(
            {std::string(fields[2]), std::string(fields[3]), std::string(fields[4]), pid});
        return {};
    }
};

} // namespace

tl::expected<NodeReport, std::string>
parse_node_report(const std::vector<std::string_view>& steps) {
    NodeReport report;
    for (std::size_t step = 0; step < steps.size(); ++step) {
        StepParser parser{report, {}, false};
        std::string_view text = steps[step];
        for (std::size_t number = 1; !text.empty(); ++number) {
            const std::size_t newline = text.find('\n');
            const std::string_view line = text.substr(0, newline);
            text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
            if (auto parsed = parser.line(line); !parsed) {
                return tl::unexpected("step " + std::to_string(step + 1) + " line " +
                                      std::to_string(number) + ": " + parsed.error());
            }
        }
        if (parser.has_snapshot) {
            report.pods = std::move(parser.snapshot);
        }
    }
    return report;
}

tl::expected<NodeReport, std::string> parse_kept_report(const std::vector<StepOutput>& steps) {
    std::vector<std::string_view> tails;
    for (std::size_t step = 0; step < steps.size(); ++step) {
        if (steps[step].dropped_bytes > 0) {
            return tl::unexpected(
                "step " + std::to_string(step + 1) + " printed more than max_output (" +
                std::to_string(steps[step].dropped_bytes) + " bytes cut): its report was not read");
        }
        tails.push_back(steps[step].tail);
    }
    return parse_node_report(tails);
}

std::optional<std::string> kubelet_hold_until(const NodeReport& report) {
    auto hold = report.facts.find("kubelet_hold");
    if (hold == report.facts.end()) {
        return std::nullopt;
    }
    const std::optional<std::int64_t> epoch = number(hold->second);
    if (!epoch) {
        return std::nullopt;
    }
    const auto seconds = static_cast<std::time_t>(*epoch);
    std::tm utc{};
    if (::gmtime_r(&seconds, &utc) == nullptr) {
        return std::nullopt;
    }
    std::array<char, 32> text{};
    const std::size_t size = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(text.data(), size);
}

std::string describe_facts(const NodeReport& report) {
    if (report.facts.empty()) {
        return "";
    }
    auto fact = [&](const char* key) {
        auto found = report.facts.find(key);
        return found == report.facts.end() ? std::string("?") : found->second;
    };
    std::string line = "cgroup " + fact("cgroup") + ", ";
    const std::string runtime = fact("runtime");
    if (runtime == "none") {
        line += "no runtime found";
    } else if (report.facts.count("runtime_socket") == 0) {
        line += runtime + ", no runtime socket";
    } else {
        // "read through its API" when the state was not read with the runtime tool itself.
        auto read_via = report.facts.find("read_via");
        const std::string read = read_via != report.facts.end() && read_via->second == "api"
                                     ? ", read through its API"
                                     : "";
        line += runtime + " (containerd " + fact("runtime_version") + read + ") at " +
                fact("runtime_socket");
    }
    line += ", kubelet unit " + fact("kubelet_unit") + " " + fact("kubelet_state");
    if (auto until = kubelet_hold_until(report)) {
        line += ", kubelet held until " + *until;
    } else if (fact("kubelet_hold") == "none") {
        line += ", no kubelet hold";
    }
    return line;
}

Presence presence_of(const NodeReport& report) {
    if (report.pods.empty()) {
        return Presence::absent;
    }
    for (const MatchedPod& pod : report.pods) {
        for (const MatchedContainer& container : pod.containers) {
            if (container.state == "running" || container.state == "pausing") {
                return Presence::running;
            }
        }
    }
    return Presence::contained;
}

std::string_view to_string(Presence presence) {
    switch (presence) {
    case Presence::running:
        return "running";
    case Presence::contained:
        return "contained";
    case Presence::absent:
        return "absent";
    }
    return "absent";
}

} // namespace breakglass::containment
