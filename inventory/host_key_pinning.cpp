#include "inventory/host_key_pinning.hpp"

#include "inventory/cache_format.hpp"

#include <algorithm>

namespace breakglass::inventory {

namespace {

// The families a rotating scan asks for one by one. A server offers one key per exchange, the
// one it prefers among the types asked for: asking per family collects every key it holds.
const std::vector<std::vector<std::string>>& key_families() {
    static const std::vector<std::vector<std::string>> families{
        {"ssh-ed25519"},
        {"ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"},
        {"ssh-rsa"}};
    return families;
}

// The usable keys among the answers, first seen first; `error` gets the first failure.
std::vector<std::string> checked_keys(const std::vector<PresentedHostKey>& presented,
                                      std::string& error) {
    std::vector<std::string> keys;
    for (const PresentedHostKey& answer : presented) {
        if (!answer) {
            error = error.empty() ? answer.error() : error;
            continue;
        }
        auto key = check_host_key(*answer);
        if (!key) {
            error = "unusable key: " + key.error();
            continue;
        }
        if (std::find(keys.begin(), keys.end(), *key) == keys.end()) {
            keys.push_back(std::move(*key));
        }
    }
    return keys;
}

} // namespace

std::string_view to_string(HostKeyStatus status) {
    switch (status) {
    case HostKeyStatus::added:
        return "new";
    case HostKeyStatus::unchanged:
        return "unchanged";
    case HostKeyStatus::changed:
        return "changed";
    case HostKeyStatus::unreachable:
        return "unreachable";
    }
    return "?";
}

std::vector<std::vector<std::string>> host_key_requests(const Node& node, bool accept_changed) {
    if (accept_changed) {
        return key_families();
    }
    return {node.host_keys};
}

std::string describe_host_key_change(const std::vector<std::string>& before,
                                     const std::vector<std::string>& after) {
    std::string change;
    const auto of_type = [](const std::vector<std::string>& keys, std::string_view type) {
        return std::find_if(keys.begin(), keys.end(),
                            [&](const std::string& key) { return host_key_type(key) == type; });
    };
    const auto add = [&change](char mark, std::string_view type) {
        change += change.empty() ? std::string(1, mark) : std::string(" ") + mark;
        change += type;
    };
    for (const std::string& key : after) {
        const std::string_view type = host_key_type(key);
        auto old = of_type(before, type);
        if (old == before.end()) {
            add('+', type);
        } else if (*old != key) {
            add('~', type);
        }
    }
    for (const std::string& key : before) {
        const std::string_view type = host_key_type(key);
        if (of_type(after, type) == after.end()) {
            add('-', type);
        }
    }
    return change;
}

HostKeyOutcome record_host_keys(Node& node, const std::vector<PresentedHostKey>& presented,
                                TimePoint now, bool accept_changed) {
    HostKeyOutcome outcome;
    outcome.pinned = node.host_keys;
    outcome.keys = checked_keys(presented, outcome.error);
    if (outcome.keys.empty()) {
        if (!node.host_keys.empty() && !accept_changed) {
            outcome.error += " (asked only for the pinned key types)";
        }
        return outcome;
    }
    outcome.error.clear();
    const auto pinned = [&node](const std::string& key) {
        return std::find(node.host_keys.begin(), node.host_keys.end(), key) != node.host_keys.end();
    };
    if (accept_changed) {
        outcome.change = describe_host_key_change(node.host_keys, outcome.keys);
        outcome.status = node.host_keys.empty()   ? HostKeyStatus::added
                         : outcome.change.empty() ? HostKeyStatus::unchanged
                                                  : HostKeyStatus::changed;
        node.host_keys = outcome.keys;
    } else if (node.host_keys.empty()) {
        outcome.status = HostKeyStatus::added;
        node.host_keys = outcome.keys;
    } else if (std::all_of(outcome.keys.begin(), outcome.keys.end(), pinned)) {
        outcome.status = HostKeyStatus::unchanged;
    } else {
        outcome.status = HostKeyStatus::changed;
        return outcome;
    }
    node.host_keys_scanned_at = now;
    return outcome;
}

bool fails_scan(const HostKeyOutcome& outcome, bool accept_changed) {
    return outcome.status == HostKeyStatus::unreachable ||
           (outcome.status == HostKeyStatus::changed && !accept_changed);
}

} // namespace breakglass::inventory
