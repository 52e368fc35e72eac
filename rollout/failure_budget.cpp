#include "rollout/failure_budget.hpp"

namespace breakglass::rollout {

namespace {

std::string nodes(std::uint64_t count) {
    return std::to_string(count) + (count == 1 ? " node" : " nodes");
}

} // namespace

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
    case Outcome::succeeded:
        return "ok";
    case Outcome::failed:
        return "failed";
    case Outcome::timeout:
        return "timeout";
    case Outcome::unreachable:
        return "unreachable";
    case Outcome::auth_failed:
        return "auth-failed";
    case Outcome::hostkey_unknown:
        return "hostkey-unknown";
    case Outcome::hostkey_changed:
        return "hostkey-changed";
    case Outcome::error:
        return "error";
    case Outcome::cancelled:
        return "cancelled";
    }
    return "error";
}

std::uint64_t allowed_failures(const FailureLimit& limit, std::size_t selected) {
    if (limit.kind == FailureLimit::Kind::count) {
        return limit.value;
    }
    // Floor: the safe side. value <= 100 and selected is a fleet's size: no overflow.
    return limit.value * std::uint64_t{selected} / 100;
}

FailureBudget::FailureBudget(FailureLimit limit, std::size_t selected, bool ignore_unreachable)
    : m_limit(limit), m_selected(selected), m_ignore_unreachable(ignore_unreachable),
      m_allowed(allowed_failures(limit, selected)) {}

bool FailureBudget::counts_as_failure(Outcome outcome) const {
    switch (outcome) {
    case Outcome::succeeded:
    case Outcome::cancelled:
        return false;
    case Outcome::unreachable:
        return !m_ignore_unreachable;
    default:
        return true;
    }
}

bool FailureBudget::start() {
    if (!may_start() || m_started == m_selected) {
        return false;
    }
    ++m_started;
    ++m_in_flight;
    return true;
}

bool FailureBudget::record(Outcome outcome, Stage stage) {
    if (m_in_flight == 0) {
        return false;
    }
    --m_in_flight;
    const bool was_crossed = crossed();
    ++m_counts[static_cast<std::size_t>(outcome)];
    const bool failure = counts_as_failure(outcome);
    if (failure) {
        ++m_failures;
        if (stage == Stage::canary && !was_crossed) {
            m_crossed_by_canary = true;
        }
    }
    if (was_crossed) {
        ++m_overshoot;
        m_overshoot_failures += failure ? 1 : 0;
    } else if (crossed()) {
        m_in_flight_when_crossed = m_in_flight;
    }
    return true;
}

std::size_t FailureBudget::unreachable_counted() const {
    return m_ignore_unreachable ? 0 : count(Outcome::unreachable);
}

std::string budget_message(const FailureBudget& budget) {
    std::string message = "failure budget exceeded: ";
    if (budget.crossed_by_canary()) {
        message += "the canary failed";
    } else {
        message += nodes(budget.failures()) + " failed, at most " +
                   std::to_string(budget.allowed()) + " allowed";
        if (budget.limit().kind == FailureLimit::Kind::percent) {
            message += " (" + to_text(budget.limit()) + " of " + nodes(budget.selected()) + ")";
        }
    }
    std::string counts;
    for (std::size_t i = 0; i < k_outcome_count; ++i) {
        const auto outcome = static_cast<Outcome>(i);
        if (outcome != Outcome::succeeded && budget.count(outcome) > 0) {
            counts += (counts.empty() ? "" : ", ") + std::to_string(budget.count(outcome)) + " " +
                      std::string(to_string(outcome));
        }
    }
    message += ": " + counts + ", " + std::to_string(budget.count(Outcome::succeeded)) + " ok";
    if (budget.ignores_unreachable() && budget.count(Outcome::unreachable) > 0) {
        message += " (unreachable not counted: --ignore-unreachable)";
    }
    message += "; " + std::to_string(budget.overshoot()) +
               " finished after it was crossed (in flight then: " +
               std::to_string(budget.in_flight_when_crossed()) + ")";
    message += "; " + nodes(budget.not_started()) + " skipped";
    if (budget.unreachable_counted() > 0) {
        message += "; unreachable nodes count unless --ignore-unreachable";
    }
    return message;
}

} // namespace breakglass::rollout
