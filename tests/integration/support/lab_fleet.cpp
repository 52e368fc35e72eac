#include "tests/integration/support/lab_fleet.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include <gtest/gtest.h>

namespace breakglass::testing {

namespace {

std::string fleet_script() {
    return source_dir() + "/lab/fleet";
}

} // namespace

namespace {

// lab/fleet accepts [a-z0-9-]: test names are CamelCase.
std::string fleet_name(const std::string& purpose) {
    std::string name;
    for (char c : purpose.substr(0, 24)) {
        name += std::isalnum(static_cast<unsigned char>(c)) != 0
                    ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                    : '-';
    }
    return name + "-" + std::to_string(::getpid());
}

} // namespace

LabFleet::LabFleet(const std::string& purpose, int nodes, int sshds,
                   const std::vector<std::string>& extra)
    : m_name(fleet_name(purpose)) {
    std::vector<std::string> argv{
        fleet_script(),       "up", "--name", m_name, "--nodes", std::to_string(nodes), "--sshds",
        std::to_string(sshds)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto up = run_process(argv);
    if (up.exit_code != 0) {
        throw std::runtime_error("lab/fleet up failed: " + up.err + up.out);
    }
    std::ifstream stream(description_path());
    m_description = nlohmann::json::parse(stream);
}

LabFleet::~LabFleet() {
    run_process({fleet_script(), "down", "--name", m_name});
}

std::string LabFleet::description_path() const {
    return m_description.is_object() ? m_description.at("dir").get<std::string>() + "/fleet.json"
                                     : "/run/breakglass-lab/" + m_name + "/fleet.json";
}

void LabFleet::import_inventory(const std::string& path) const {
    auto imported =
        run_process({breakglass_binary(), "inventory", "import", "--lab", description_path(), "-O",
                     path, "--sign-with", m_description.at("signer_key").get<std::string>()});
    if (imported.exit_code != 0) {
        throw std::runtime_error("inventory import --lab failed: " + imported.err);
    }
}

void LabFleet::sign_inventory(const std::string& path) const {
    std::filesystem::remove(path + ".sig");
    auto signed_ = run_process({"ssh-keygen", "-q", "-Y", "sign", "-n", "breakglass-inventory",
                                "-f", m_description.at("signer_key").get<std::string>(), path});
    if (signed_.exit_code != 0) {
        throw std::runtime_error("ssh-keygen -Y sign failed: " + signed_.err);
    }
}

std::vector<std::string> LabFleet::in_namespace(const std::vector<std::string>& argv) const {
    std::vector<std::string> full{"nsenter", "--net=/var/run/netns/bglab-" + m_name, "--"};
    full.insert(full.end(), argv.begin(), argv.end());
    return full;
}

ProcessResult LabFleet::breakglass(const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout) const {
    std::vector<std::string> argv{breakglass_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    // Runs write their audit records into the fleet's own directory, not the user's state.
    return run_process(
        in_namespace(argv), timeout, "",
        {"BREAKGLASS_ALLOWED_SIGNERS=" + m_description.at("allowed_signers").get<std::string>(),
         "BREAKGLASS_AUDIT_LOG=" + m_description.at("dir").get<std::string>() + "/audit.jsonl"});
}

std::string LabFleet::missing_prerequisite() {
    if (::geteuid() != 0) {
        return "lab tests need root (network namespaces, sshd)";
    }
    if (::access("/usr/sbin/sshd", X_OK) != 0) {
        return "lab tests need /usr/sbin/sshd (openssh-server)";
    }
    if (run_process({"ip", "netns", "list"}).exit_code != 0) {
        return "lab tests need iproute2 with network namespace support";
    }
    return {};
}

nlohmann::json nodes_of(const std::string& json_text) {
    nlohmann::json nodes = nlohmann::json::parse(json_text).at("nodes");
    EXPECT_FALSE(nodes.empty()) << json_text;
    return nodes;
}

} // namespace breakglass::testing
