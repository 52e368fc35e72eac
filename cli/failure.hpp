#pragma once

#include "cli/exit_code.hpp"
#include "policy/connection_plan.hpp"

#include <stdexcept>
#include <string>

namespace breakglass::cli {

/// Thrown by a command to stop with one line on stderr and an exit code. Caught in exactly one
/// place (app.cpp), which prints "breakglass: MESSAGE".
class Failure : public std::runtime_error {
public:
    Failure(ExitCode code, const std::string& message)
        : std::runtime_error(message), m_code(code) {}
    ExitCode code() const { return m_code; }

private:
    ExitCode m_code;
};

/// A refused connection plan as the Failure that exits with its class's code.
inline Failure plan_failure(const policy::PlanError& error) {
    switch (error.kind) {
    case policy::PlanErrorClass::usage:
        return {ExitCode::usage, error.message};
    case policy::PlanErrorClass::inventory:
        return {ExitCode::inventory, error.message};
    case policy::PlanErrorClass::playbook:
        return {ExitCode::playbook_refused, error.message};
    case policy::PlanErrorClass::config:
        break;
    }
    return {ExitCode::config_or_state, error.message};
}

} // namespace breakglass::cli
