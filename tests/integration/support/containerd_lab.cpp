#include "tests/integration/support/containerd_lab.hpp"

#include "tests/integration/support/files.hpp"
#include "tests/integration/support/lab_fleet.hpp"
#include "tests/integration/support/shell_quote.hpp"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

namespace breakglass::testing {

namespace {

std::string fleet_script() {
    return source_dir() + "/lab/fleet";
}

// lab/fleet accepts [a-z0-9-]; names are unique per process so ctest can run tests in parallel.
std::string fleet_name(const std::string& purpose) {
    std::string name = "cd-";
    for (char c : purpose.substr(0, 24)) {
        name += std::isalnum(static_cast<unsigned char>(c)) != 0
                    ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                    : '-';
    }
    return name + "-" + std::to_string(::getpid());
}

nlohmann::json read_json(const std::string& path) {
    std::ifstream stream(path);
    return nlohmann::json::parse(stream);
}

} // namespace

ContainerdLab::ContainerdLab(const std::string& purpose, int nodes, std::vector<std::string> faults,
                             std::vector<std::string> flavours)
    : m_name(fleet_name(purpose)) {
    std::vector<std::string> argv{fleet_script(),        "up",          "--name", m_name, "--nodes",
                                  std::to_string(nodes), "--containerd"};
    for (auto& fault : faults) {
        argv.emplace_back("--fault");
        argv.push_back(std::move(fault));
    }
    for (auto& argument : flavours) {
        argv.push_back(std::move(argument));
    }
    m_up = true;
    const auto started = std::chrono::steady_clock::now();
    auto up = run_process(argv, std::chrono::seconds(300));
    if (up.exit_code != 0) {
        throw std::runtime_error("lab/fleet up --containerd failed: " + up.err + up.out);
    }
    m_description = read_json(description_path());
    m_pods = read_json(m_description.at("pods").get<std::string>());
    std::cout << "containerd lab of " << nodes << " nodes up in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count()
              << " ms\n";
}

ContainerdLab::~ContainerdLab() {
    if (m_up) {
        down();
    }
}

bool ContainerdLab::wait_for_kubelet_passes(const std::string& node, int passes) const {
    return wait_for_kubelet_passes(std::vector<std::string>{node}, passes);
}

bool ContainerdLab::wait_for_kubelet_passes(const std::vector<std::string>& nodes,
                                            int passes) const {
    std::vector<std::string> counters;
    for (const auto& node : nodes) {
        for (const auto& entry : m_description["nodes"]) {
            if (entry["name"] == node) {
                counters.push_back(entry["node_dir"].get<std::string>() + "/kubelet/passes");
            }
        }
    }
    if (counters.size() != nodes.size()) {
        return false; // a node the fleet does not have
    }
    const auto read_count = [](const std::string& counter) {
        const std::string text = read_vanishing_file(counter);
        return text.empty() ? 0L : std::strtol(text.c_str(), nullptr, 10);
    };
    std::vector<long> targets;
    for (const auto& counter : counters) {
        targets.push_back(read_count(counter) + passes);
    }
    for (int tries = 0; tries < 600; ++tries) {
        bool all = true;
        for (std::size_t index = 0; all && index < counters.size(); ++index) {
            all = read_count(counters[index]) >= targets[index];
        }
        if (all) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

ProcessResult ContainerdLab::down() {
    m_up = false;
    return run_process({fleet_script(), "down", "--name", m_name}, std::chrono::seconds(120));
}

std::string ContainerdLab::description_path() const {
    return "/run/breakglass-lab/" + m_name + "/fleet.json";
}

ProcessResult ContainerdLab::node_exec(const std::string& node,
                                       const std::vector<std::string>& argv,
                                       std::chrono::milliseconds timeout) const {
    std::vector<std::string> full{fleet_script(), "node-exec", "--name", m_name,
                                  "--node",       node,        "--"};
    full.insert(full.end(), argv.begin(), argv.end());
    return run_process(full, timeout);
}

ProcessResult ContainerdLab::pod_exec(const std::string& node, const std::string& container_id,
                                      const std::string& script,
                                      std::chrono::milliseconds timeout) const {
    // Exec IDs must be unique per task while they run; a counter keeps concurrent probes apart.
    static std::atomic<int> next{0};
    const auto exec_id = "probe-" + std::to_string(::getpid()) + "-" + std::to_string(next++);
    return node_exec(node,
                     {"ctr", "-n", "k8s.io", "tasks", "exec", "--exec-id", exec_id, container_id,
                      "/bin/sh", "-c", script},
                     timeout);
}

std::set<std::string> ContainerdLab::pod_task_ids(const std::string& node,
                                                  const std::string& role) const {
    std::set<std::string> ids;
    for (const auto& pod : m_pods["nodes"][node]) {
        if (pod["role"] == role) {
            ids.insert(pod["sandbox_id"].get<std::string>());
            for (const auto& container : pod["containers"]) {
                ids.insert(container["id"].get<std::string>());
            }
        }
    }
    return ids;
}

std::map<std::string, long> ContainerdLab::task_pids(const std::string& node) const {
    auto listed = node_exec(node, {"ctr", "-n", "k8s.io", "tasks", "ls"});
    if (listed.exit_code != 0) {
        throw std::runtime_error("ctr tasks ls on " + node + " failed: " + listed.err);
    }
    std::map<std::string, long> pids;
    std::istringstream lines(listed.out);
    std::string line;
    std::getline(lines, line); // header
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string id;
        long pid = 0;
        if (fields >> id >> pid) {
            pids[id] = pid;
        }
    }
    return pids;
}

ProcessResult ContainerdLab::ssh(const std::string& node, const std::string& command,
                                 const std::string& user, std::chrono::milliseconds timeout) const {
    std::string address;
    for (const auto& entry : m_description.at("nodes")) {
        if (entry.at("name") == node) {
            address = entry.at("address").get<std::string>();
        }
    }
    if (address.empty()) {
        throw std::invalid_argument("no lab node " + node);
    }
    std::vector<std::string> argv{
        "nsenter", "--net=/var/run/netns/" + m_description.at("netns").get<std::string>(),
        "--",      "ssh",
        "-F",      "/dev/null",
        "-i",      m_description.at("client_key").get<std::string>()};
    // Pinned host keys only, no agent or config, the cheap key exchange (LAB-NOTES).
    for (const auto& option : std::vector<std::string>{
             "IdentitiesOnly=yes", "BatchMode=yes", "StrictHostKeyChecking=yes",
             "UserKnownHostsFile=" + m_description.at("known_hosts").get<std::string>(),
             "GlobalKnownHostsFile=/dev/null", "KexAlgorithms=curve25519-sha256"}) {
        argv.push_back("-o");
        argv.push_back(option);
    }
    argv.push_back(user + "@" + address);
    argv.push_back(command);
    return run_process(argv, timeout);
}
ProcessResult ContainerdLab::breakglass(const std::vector<std::string>& args,
                                        std::chrono::milliseconds timeout) const {
    std::vector<std::string> argv{
        "nsenter", "--net=/var/run/netns/" + m_description.at("netns").get<std::string>(), "--",
        breakglass_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    // The lab's signer vouches for its inventories too; a test's own flag overrides this. Runs
    // write their audit records into the fleet's own directory, not the user's state.
    return run_process(
        argv, timeout, "",
        {"BREAKGLASS_ALLOWED_SIGNERS=" + m_description.at("allowed_signers").get<std::string>(),
         "BREAKGLASS_AUDIT_LOG=" + m_description.at("dir").get<std::string>() + "/audit.jsonl"});
}

std::vector<std::string> ContainerdLab::shipped_playbook_flags(const std::string& dir) const {
    const std::string inventory = dir + "/inventory.json";
    auto imported =
        run_process({breakglass_binary(), "inventory", "import", "--lab", description_path(), "-O",
                     inventory, "--sign-with", m_description.at("signer_key").get<std::string>()});
    if (imported.exit_code != 0) {
        throw std::runtime_error("inventory import failed: " + imported.err);
    }
    std::ifstream inventory_file(inventory);
    const std::string cluster = nlohmann::json::parse(inventory_file).at("cluster");
    auto signed_ = run_process({source_dir() + "/playbooks/sign-shipped", "--key",
                                m_description.at("signer_key").get<std::string>(), "--cluster",
                                cluster, "--valid-for", "1h", "--out", dir + "/playbooks",
                                "--breakglass", breakglass_binary()});
    if (signed_.exit_code != 0) {
        throw std::runtime_error("sign-shipped failed: " + signed_.err);
    }
    return {"-i",
            inventory,
            "--playbooks",
            dir + "/playbooks",
            "--allowed-signers",
            m_description.at("allowed_signers").get<std::string>(),
            "--state-dir",
            dir + "/state"};
}

nlohmann::json ContainerdLab::breakglass_json(const std::vector<std::string>& args,
                                              int* exit_code) const {
    ProcessResult result = breakglass(args, std::chrono::seconds(180));
    EXPECT_FALSE(result.timed_out);
    if (exit_code != nullptr) {
        *exit_code = result.exit_code;
    }
    auto document = nlohmann::json::parse(result.out, nullptr, false);
    EXPECT_FALSE(document.is_discarded()) << result.out << result.err;
    return document.is_discarded() ? nlohmann::json::object() : document;
}

std::map<std::string, nlohmann::json> nodes_by_name(const nlohmann::json& document) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& node : document.value("nodes", nlohmann::json::array())) {
        out[node["name"].get<std::string>()] = node;
    }
    return out;
}

std::string ContainerdLab::missing_prerequisite() {
    if (auto missing = LabFleet::missing_prerequisite(); !missing.empty()) {
        return missing;
    }
    for (const char* binary : {"/usr/bin/containerd", "/usr/bin/ctr", "/usr/sbin/runc",
                               "/usr/bin/containerd-shim-runc-v2", "/bin/busybox"}) {
        if (::access(binary, X_OK) != 0) {
            return std::string("containerd lab tests need ") + binary +
                   " (packages containerd, runc, busybox-static)";
        }
    }
    return {};
}

std::string ContainerdLab::flavour(const std::string& node) const {
    for (const auto& entry : m_description.at("nodes")) {
        if (entry.at("name") == node) {
            return entry.at("cgroup").get<std::string>() + "/" +
                   entry.at("init").get<std::string>();
        }
    }
    throw std::invalid_argument("no lab node " + node);
}

std::string ContainerdLab::freezer_state(const std::string& node, long pid) const {
    // Inside the node: its own PIDs, and its own view of the cgroup hierarchies (a v2 node's
    // cgroup namespace and cgroup2 mount).
    static const std::string script = R"sh(
if [ -d /sys/fs/cgroup/freezer ]; then
  path=$(sed -n 's/^[0-9]*:freezer://p' "/proc/$1/cgroup")
  [ -n "$path" ] && exec cat "/sys/fs/cgroup/freezer$path/freezer.state"
else
  path=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
  dir=/sys/fs/cgroup$path
  if [ -n "$path" ] && [ -f "$dir/cgroup.freeze" ]; then
    if grep -qx 'frozen 1' "$dir/cgroup.events"; then echo FROZEN
    elif [ "$(cat "$dir/cgroup.freeze")" = 1 ]; then echo FREEZING
    else echo THAWED; fi
    exit 0
  fi
fi
echo no freezer cgroup)sh";
    const auto result = node_exec(node, {"sh", "-c", script, "freezer_state", std::to_string(pid)});
    return result.out.substr(0, result.out.find('\n'));
}

std::map<std::string, std::string>
ContainerdLab::task_net_namespaces(const std::string& node) const {
    // The crictl-only node's real ctr is where the stand-ins find it.
    static const std::string script = R"sh(
ctr=ctr; [ -s /run/breakglass-node/ctr ] && ctr=/run/breakglass-node/ctr
"$ctr" -n k8s.io tasks ls | awk 'NR > 1 && $2 > 0 { print $1, $2 }' | while read -r id pid; do
  echo "$id $(readlink "/proc/$pid/ns/net")"
done)sh";
    auto listed = node_exec(node, {"sh", "-c", script});
    if (listed.exit_code != 0) {
        throw std::runtime_error("task namespaces on " + node + " failed: " + listed.err);
    }
    std::map<std::string, std::string> namespaces;
    std::istringstream lines(listed.out);
    for (std::string id, ns; lines >> id >> ns;) {
        namespaces[id] = ns;
    }
    return namespaces;
}

std::string ContainerdLab::process_state(const std::string& node, long pid) const {
    const auto result = node_exec(
        node, {"sh", "-c", "sed -n 's/^State:[[:space:]]*//p' \"/proc/$1/status\" 2>/dev/null",
               "process_state", std::to_string(pid)});
    const auto state = result.out.substr(0, result.out.find('\n'));
    return state.empty() ? "gone" : state;
}

std::string daemonset_match_script(const std::string& ds_namespace, const std::string& ds_name) {
    return read_text(source_dir() + "/playbooks/lib/daemonset_match.sh") +
           read_text(source_dir() + "/playbooks/lib/daemonset_crictl.sh") +
           "\nDS_NAMESPACE=" + shell_quote(ds_namespace) + "\nDS_NAME=" + shell_quote(ds_name) +
           "\nbg_ds_match\n";
}

SignedFleet::SignedFleet(const std::string& purpose, int count, std::vector<std::string> faults,
                         std::vector<std::string> flavours)
    : lab(std::make_unique<ContainerdLab>(purpose, count, std::move(faults), std::move(flavours))),
      flags(lab->shipped_playbook_flags(dir.path())), inventory(dir.path() + "/inventory.json") {
    for (const auto& node : lab->description()["nodes"]) {
        nodes.push_back(node["name"].get<std::string>());
    }
}

} // namespace breakglass::testing
