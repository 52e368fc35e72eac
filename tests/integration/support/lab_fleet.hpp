#pragma once

#include "tests/integration/support/process.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace breakglass::testing {

/// A lab fleet (lab/fleet) for the lifetime of a test: up in the constructor, down in the
/// destructor. Names are unique per process so ctest can run tests in parallel.
class LabFleet {
public:
    /// `extra` is passed to `lab/fleet up` as is (e.g. {"--bastions"}).
    LabFleet(const std::string& purpose, int nodes, int sshds = 3,
             const std::vector<std::string>& extra = {});
    ~LabFleet();
    LabFleet(const LabFleet&) = delete;
    LabFleet& operator=(const LabFleet&) = delete;

    const std::string& name() const { return m_name; }
    const nlohmann::json& description() const { return m_description; }
    std::string description_path() const;

    /// argv prefixed so that it runs inside the fleet's network namespace.
    std::vector<std::string> in_namespace(const std::vector<std::string>& argv) const;

    /// Imports the fleet with `breakglass inventory import --lab --sign-with` the lab's signer
    /// (the path users take) into `path`, signed into PATH.sig; throws when the import fails.
    void import_inventory(const std::string& path) const;

    /// Signs (again) an inventory a test edited, as the lab's signer would: `ssh-keygen -Y sign
    /// -n breakglass-inventory`; throws when ssh-keygen fails.
    void sign_inventory(const std::string& path) const;

    /// Runs `breakglass ARGS...` inside the fleet's namespace, trusting the lab's
    /// allowed_signers (BREAKGLASS_ALLOWED_SIGNERS) unless ARGS name another.
    ProcessResult breakglass(const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;

    /// Why lab tests cannot run here (not root, no `ip`), or empty when they can.
    static std::string missing_prerequisite();

private:
    std::string m_name;
    nlohmann::json m_description;
};

/// The "nodes" array of a breakglass JSON document, by value (iterating parse(...)["nodes"]
/// directly would walk a destroyed temporary). Fails the test when empty, so loops over it
/// always prove something.
nlohmann::json nodes_of(const std::string& json_text);

} // namespace breakglass::testing
