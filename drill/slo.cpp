#include "drill/slo.hpp"

#include "base/rfc3339.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace breakglass::drill {

namespace {

std::string names_of(const std::vector<std::string>& names) {
    constexpr std::size_t k_shown = 10;
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < k_shown; ++i) {
        text += (i == 0 ? "" : ", ") + names[i];
    }
    if (names.size() > k_shown) {
        text += " and " + std::to_string(names.size() - k_shown) + " more";
    }
    return text;
}

SloResult share_result(Slo slo, std::size_t part, std::size_t whole, double minimum,
                       const std::string& what, const std::vector<std::string>& failing) {
    const double share = whole == 0 ? 0.0 : double(part) / double(whole);
    // Compared in whole parts per million so that 99 of 100 meets 99% despite rounding.
    const bool met = whole > 0 && std::llround(share * 1e6) >= std::llround(minimum * 1e6);
    std::string line = what + " " + format_share(share) + " (" + std::to_string(part) + " of " +
                       std::to_string(whole) + ")" + (met ? " >= " : " < ") + format_share(minimum);
    if (!met && !failing.empty()) {
        line += ": " + names_of(failing);
    }
    return {slo, met, line};
}

std::string seconds_text(std::chrono::milliseconds value) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.3fs", double(value.count()) / 1000.0);
    return text.data();
}

} // namespace

std::string_view to_string(Slo slo) {
    switch (slo) {
    case Slo::reachable:
        return "reachable";
    case Slo::ready:
        return "ready";
    case Slo::node_p99:
        return "node-p99";
    case Slo::inventory_age:
        return "inventory-age";
    case Slo::inventory_signature:
        return "inventory-signature";
    case Slo::pinned:
        return "pinned";
    case Slo::playbook_validity:
        return "playbook-validity";
    case Slo::exercise:
        return "exercise";
    }
    return "reachable";
}

bool all_met(const std::vector<SloResult>& results) {
    return !results.empty() && std::all_of(results.begin(), results.end(),
                                           [](const SloResult& result) { return result.met; });
}

tl::expected<double, std::string> parse_share(std::string_view text) {
    const auto refuse = [&] {
        return tl::unexpected("'" + std::string(text) +
                              "' is not a share from 0% to 100% (e.g. 99% or 99.9%)");
    };
    if (text.size() < 2 || text.back() != '%') {
        return refuse();
    }
    const std::string_view number = text.substr(0, text.size() - 1);
    const std::size_t dot = number.find('.');
    const std::string_view whole = number.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view() : number.substr(dot + 1);
    const auto digits = [](std::string_view part) {
        return part.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (whole.empty() || !digits(whole) || !digits(fraction) || fraction.size() > 3 ||
        (dot != std::string_view::npos && fraction.empty()) ||
        (whole.size() > 1 && whole.front() == '0')) {
        return refuse();
    }
    double value = 0;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error != std::errc() || end != number.data() + number.size() || value > 100.0) {
        return refuse();
    }
    return value / 100.0;
}

std::string format_share(double share) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.3f", share * 100.0);
    std::string value = text.data();
    while (value.back() == '0') {
        value.pop_back();
    }
    if (value.back() == '.') {
        value.pop_back();
    }
    return value + "%";
}

std::vector<SloResult> evaluate_slos(const NodeFigures& nodes, const InventoryCheck& inventory,
                                     const std::vector<PlaybookCheck>& playbooks,
                                     const SloThresholds& thresholds,
                                     std::chrono::sys_seconds now) {
    std::vector<SloResult> results;
    results.push_back(share_result(Slo::reachable, nodes.reachable, nodes.sampled,
                                   thresholds.min_reachable, "reachable", nodes.unreachable));
    results.push_back(share_result(Slo::ready, nodes.ready, nodes.sampled, thresholds.min_ready,
                                   "ready", nodes.not_ready));

    if (!nodes.node_time) {
        results.push_back({Slo::node_p99, false, "node p99: no node was reached"});
    } else {
        const bool met = nodes.node_time->p99 <= thresholds.max_p99;
        results.push_back({Slo::node_p99, met,
                           "node p99 " + seconds_text(nodes.node_time->p99) +
                               (met ? " <= " : " > ") + seconds_text(thresholds.max_p99)});
    }

    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - inventory.captured_at);
    const bool fresh = age <= thresholds.max_inventory_age;
    results.push_back({Slo::inventory_age, fresh,
                       "inventory age " + describe_span(age) + (fresh ? " <= " : " > ") +
                           describe_span(thresholds.max_inventory_age) +
                           (fresh ? ""
                                  : " (captured " + base::format_rfc3339(inventory.captured_at) +
                                        "): re-import it")});

    if (!inventory.signature_verified) {
        results.push_back({Slo::inventory_signature, false,
                           "inventory signature: " + inventory.signature_problem +
                               " (a mutating run would refuse this inventory)"});
    } else if (inventory.signer_valid_before &&
               *inventory.signer_valid_before - now < thresholds.min_playbook_validity) {
        results.push_back({Slo::inventory_signature, false,
                           "inventory signer " + inventory.signer + " valid only until " +
                               base::format_rfc3339(*inventory.signer_valid_before) + ", within " +
                               describe_span(thresholds.min_playbook_validity)});
    } else {
        results.push_back(
            {Slo::inventory_signature, true, "inventory signed by " + inventory.signer});
    }

    results.push_back(share_result(Slo::pinned, inventory.pinned, inventory.nodes,
                                   thresholds.min_pinned, "pinned host keys", {}));

    std::vector<std::string> bad;
    for (const PlaybookCheck& playbook : playbooks) {
        if (!playbook.problem.empty()) {
            bad.push_back(playbook.name + " (" + playbook.problem + ")");
        } else if (playbook.valid_until &&
                   *playbook.valid_until - now < thresholds.min_playbook_validity) {
            bad.push_back(playbook.name + " (valid until " +
                          base::format_rfc3339(*playbook.valid_until) + ")");
        }
    }
    if (playbooks.empty()) {
        results.push_back({Slo::playbook_validity, false, "playbooks: none found"});
    } else if (bad.empty()) {
        results.push_back({Slo::playbook_validity, true,
                           "playbooks: " + std::to_string(playbooks.size()) +
                               " verify, each valid for at least " +
                               describe_span(thresholds.min_playbook_validity)});
    } else {
        results.push_back({Slo::playbook_validity, false,
                           "playbooks: " + std::to_string(bad.size()) + " of " +
                               std::to_string(playbooks.size()) + " not valid for " +
                               describe_span(thresholds.min_playbook_validity) + ": " +
                               names_of(bad)});
    }
    return results;
}

} // namespace breakglass::drill
