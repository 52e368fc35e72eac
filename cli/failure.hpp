#pragma once

#include "cli/exit_code.hpp"

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

} // namespace breakglass::cli
