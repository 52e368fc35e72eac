#include "containment/node_journal.hpp"

#include <array>
#include <vector>

namespace breakglass::containment {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_lower_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f');
}

bool is_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_user_char(char c) {
    return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

bool is_host_char(char c) {
    return is_alnum(c) || c == '.' || c == '-';
}

// DNS-1123 characters: what a DaemonSet's namespace and name are made of.
bool is_dns_char(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || c == '.' || c == '-';
}

template <typename Predicate> bool all_of(std::string_view text, Predicate predicate) {
    for (char c : text) {
        if (!predicate(c)) {
            return false;
        }
    }
    return true;
}

// YYYY-MM-DDTHH:MM:SSZ, digits where digits go (the range of each is the writer's `date`).
bool is_utc_time(std::string_view text) {
    static constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:ddZ";
    if (text.size() != k_shape.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (k_shape[i] == 'd' ? !is_digit(text[i]) : text[i] != k_shape[i]) {
            return false;
        }
    }
    return true;
}

bool is_responder(std::string_view text) {
    const std::size_t at = text.find('@');
    if (at == std::string_view::npos) {
        return false;
    }
    const std::string_view user = text.substr(0, at);
    const std::string_view host = text.substr(at + 1);
    return !user.empty() && user.size() <= k_max_responder_user && user.front() != '.' &&
           user.front() != '-' && all_of(user, is_user_char) && !host.empty() &&
           host.size() <= k_max_responder_host && is_alnum(host.front()) &&
           all_of(host, is_host_char);
}

bool is_action(std::string_view text) {
    static constexpr std::array<std::string_view, 7> k_actions{
        "freeze", "thaw", "isolate", "unisolate", "stop", "remove", "release"};
    for (std::string_view action : k_actions) {
        if (text == action) {
            return true;
        }
    }
    return false;
}

bool is_outcome(std::string_view text) {
    if (text == "ok") {
        return true;
    }
    constexpr std::string_view k_prefix = "exit-";
    if (text.substr(0, k_prefix.size()) != k_prefix) {
        return false;
    }
    const std::string_view number = text.substr(k_prefix.size());
    if (number.empty() || number.size() > 3 || number.front() == '0' || !all_of(number, is_digit)) {
        return false;
    }
    return std::stoi(std::string(number)) <= 255;
}

bool is_daemonset(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    const std::string_view name_space = text.substr(0, slash);
    const std::string_view name = text.substr(slash + 1);
    return !name_space.empty() && name_space.size() <= 63 && !name.empty() && name.size() <= 253 &&
           all_of(name_space, is_dns_char) && all_of(name, is_dns_char);
}

// "key=VALUE" with this key, VALUE out.
bool keyed(std::string_view field, std::string_view key, std::string& value) {
    if (field.size() <= key.size() || field.substr(0, key.size()) != key ||
        field[key.size()] != '=') {
        return false;
    }
    value = std::string(field.substr(key.size() + 1));
    return true;
}

} // namespace

bool is_journal_run_id(std::string_view id) {
    return id.size() == 32 && all_of(id, is_lower_hex);
}

tl::expected<JournalEntry, std::string> parse_journal_line(std::string_view line) {
    if (line.size() > k_max_journal_line) {
        return tl::unexpected("longer than " + std::to_string(k_max_journal_line) + " characters");
    }
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
        const std::size_t space = line.find(' ', start);
        fields.push_back(line.substr(start, space - start));
        if (space == std::string_view::npos) {
            break;
        }
        start = space + 1;
    }
    if (fields.size() != 7 || fields[0] != "v1") {
        return tl::unexpected(std::string("not a v1 line of 7 fields separated by one space"));
    }
    JournalEntry entry;
    entry.time = std::string(fields[1]);
    if (!is_utc_time(entry.time)) {
        return tl::unexpected(std::string("bad time"));
    }
    if (!keyed(fields[2], "run", entry.run_id) ||
        (entry.run_id != "-" && !is_journal_run_id(entry.run_id))) {
        return tl::unexpected(std::string("bad run id"));
    }
    if (!keyed(fields[3], "by", entry.responder) ||
        (entry.responder != "-" && !is_responder(entry.responder))) {
        return tl::unexpected(std::string("bad responder"));
    }
    if (!keyed(fields[4], "action", entry.action) || !is_action(entry.action)) {
        return tl::unexpected(std::string("bad action"));
    }
    if (!keyed(fields[5], "outcome", entry.outcome) || !is_outcome(entry.outcome)) {
        return tl::unexpected(std::string("bad outcome"));
    }
    if (!keyed(fields[6], "ds", entry.daemonset) ||
        (entry.daemonset != "-" && !is_daemonset(entry.daemonset))) {
        return tl::unexpected(std::string("bad DaemonSet"));
    }
    return entry;
}

std::string journal_responder(std::string_view user, std::string_view host) {
    if (user.empty() || host.empty()) {
        return "-";
    }
    std::string text;
    for (char c : user.substr(0, k_max_responder_user)) {
        text += is_user_char(c) ? c : '_';
    }
    if (text.front() == '.' || text.front() == '-') {
        text.front() = '_';
    }
    text += '@';
    const std::size_t host_start = text.size();
    for (char c : host.substr(0, k_max_responder_host)) {
        text += is_host_char(c) ? c : '-';
    }
    if (!is_alnum(text[host_start])) {
        text[host_start] = 'x';
    }
    return text;
}

} // namespace breakglass::containment
