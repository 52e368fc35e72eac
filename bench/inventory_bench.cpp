// Load + select on a generated 50,000-node inventory, next to nlohmann's SAX parser building the
// same Inventory (the path the pull reader replaced) and a plain nlohmann DOM load of the same
// file. Each measurement runs in a fresh process (this binary re-executed) so peak RSS (VmHWM)
// belongs to that run alone; the three are run in turn, round after round, so a change in the
// machine's load falls on all of them alike (and in a turning order: see main()).
#include "bench/nlohmann_sax_cache.hpp"
#include "inventory/cache_format.hpp"
#include "inventory/inventory_loader.hpp"
#include "inventory/inventory_writer.hpp"
#include "inventory/node_set.hpp"
#include "inventory/selection.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using namespace breakglass::inventory;
using Clock = std::chrono::steady_clock;

constexpr std::size_t k_nodes = 50'000;
constexpr int k_runs = 9;
const char* const k_selector =
    "node-role.kubernetes.io/worker,topology.kubernetes.io/zone in (us-east-1a,us-east-1b)";
const char* const k_nodes_set = "node[00001-30000]";

std::string random_base64(std::mt19937_64& random, std::size_t length) {
    static const char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    for (std::size_t i = 0; i < length; ++i) {
        text += k_alphabet[random() % 64];
    }
    return text;
}

// About 16 labels per node with the names and value spreads of a large EKS cluster.
Inventory generate() {
    std::mt19937_64 random(42);
    Inventory inventory;
    inventory.cluster = "prod-us-east-1";
    inventory.source = "kubectl:nodes.json";
    inventory.captured_at =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    inventory.defaults.user = "root";
    const std::array<const char*, 3> zones{"us-east-1a", "us-east-1b", "us-east-1c"};
    const std::array<const char*, 4> types{"m5.2xlarge", "m6i.4xlarge", "c6i.8xlarge",
                                           "p4d.24xlarge"};
    std::vector<std::string> hashes;
    for (int i = 0; i < 40; ++i) {
        hashes.push_back(random_base64(random, 12));
        std::replace(hashes.back().begin(), hashes.back().end(), '+', 'x');
        std::replace(hashes.back().begin(), hashes.back().end(), '/', 'y');
    }
    for (std::size_t i = 0; i < k_nodes; ++i) {
        Node node;
        char name[16];
        std::snprintf(name, sizeof name, "node%05zu", i + 1);
        node.name = name;
        node.address = "10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) +
                       "." + std::to_string(i % 256);
        const bool gpu = random() % 10 == 0;
        const char* zone = zones[random() % zones.size()];
        const char* type = gpu ? types[3] : types[random() % 3];
        const char* arch = random() % 5 == 0 ? "arm64" : "amd64";
        const std::string group =
            "ng-" + std::string(gpu ? "gpu-" : "general-") + std::to_string(random() % 12);
        inventory.set_label(node, "kubernetes.io/hostname", node.name);
        inventory.set_label(node, "kubernetes.io/os", "linux");
        inventory.set_label(node, "kubernetes.io/arch", arch);
        inventory.set_label(node, "beta.kubernetes.io/os", "linux");
        inventory.set_label(node, "beta.kubernetes.io/arch", arch);
        inventory.set_label(node, "node.kubernetes.io/instance-type", type);
        inventory.set_label(node, "beta.kubernetes.io/instance-type", type);
        inventory.set_label(node, "topology.kubernetes.io/region", "us-east-1");
        inventory.set_label(node, "topology.kubernetes.io/zone", zone);
        inventory.set_label(node, "failure-domain.beta.kubernetes.io/region", "us-east-1");
        inventory.set_label(node, "failure-domain.beta.kubernetes.io/zone", zone);
        inventory.set_label(node, "topology.ebs.csi.aws.com/zone", zone);
        inventory.set_label(
            node, gpu ? "node-role.kubernetes.io/gpu" : "node-role.kubernetes.io/worker", "");
        inventory.set_label(node, "eks.amazonaws.com/nodegroup", group);
        inventory.set_label(node, "eks.amazonaws.com/capacityType",
                            random() % 4 == 0 ? "SPOT" : "ON_DEMAND");
        inventory.set_label(node, "k8s.io/cloud-provider-aws", hashes[random() % hashes.size()]);
        node.host_keys.push_back("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" +
                                 random_base64(random, 43));
        node.host_keys_scanned_at = inventory.captured_at;
        inventory.nodes.push_back(std::move(node));
    }
    return inventory;
}

double cpu_ms() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto ms = [](const timeval& time) {
        return double(time.tv_sec) * 1000.0 + double(time.tv_usec) / 1000.0;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

long peak_rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

// Child modes print "TOTAL_MS LOAD_MS CPU_MS PEAK_KIB SELECTED" (CPU time shows the cost on a
// machine shared with other work, where wall time also counts waiting for a core). The structures
// stay alive until the figures are taken: tearing them down is not part of getting to the nodes.
int child(const std::string& mode, const std::string& path) {
    const double cpu_start = cpu_ms();
    const auto start = Clock::now();
    auto loaded_at = start;
    std::size_t selected = 0;
    tl::expected<Inventory, std::string> inventory;
    nlohmann::json document;
    const auto select = [&](const Inventory& loaded) {
        loaded_at = Clock::now();
        auto chosen = select_nodes(loaded, {k_selector, {k_nodes_set}, {}, std::nullopt});
        if (!chosen) {
            std::cerr << chosen.error().message << '\n';
            std::exit(1);
        }
        selected = chosen->indices.size();
    };
    if (mode == "ours" || mode == "sax") {
        // Both reserve room the way load_inventory does (a node per 256 bytes of file).
        inventory = mode == "ours" ? load_inventory(path)
                                   : breakglass::bench::load_with_nlohmann_sax(
                                         path, std::filesystem::file_size(path) / 256);
        if (!inventory) {
            std::cerr << inventory.error() << '\n';
            return 1;
        }
        select(*inventory);
    } else if (mode == "dom") {
        // The peer: the whole document as nlohmann::json, then the same selection by hand.
        std::ifstream in(path);
        document = nlohmann::json::parse(in);
        loaded_at = Clock::now();
        auto names = parse_node_set(k_nodes_set).value().names;
        const std::unordered_set<std::string> wanted(names.begin(), names.end());
        for (const auto& node : document["nodes"]) {
            const auto& labels = node["labels"];
            auto zone = labels.find("topology.kubernetes.io/zone");
            if (labels.contains("node-role.kubernetes.io/worker") && zone != labels.end() &&
                (*zone == "us-east-1a" || *zone == "us-east-1b") &&
                wanted.contains(node["name"].get<std::string>())) {
                ++selected;
            }
        }
    }
    const auto done = Clock::now();
    const auto ms = [](auto duration) {
        return std::chrono::duration<double, std::milli>(duration).count();
    };
    std::printf("%.1f %.1f %.1f %ld %zu\n", ms(done - start), ms(loaded_at - start),
                cpu_ms() - cpu_start, peak_rss_kib(), selected);
    std::fflush(stdout);
    std::_Exit(0); // skip freeing what the process is about to drop anyway
}

struct Sample {
    double ms = 0;
    double load_ms = 0;
    double cpu_ms = 0;
    long kib = 0;
    std::size_t selected = 0;
};

Sample run_child(const std::string& self, const std::string& mode, const std::string& path) {
    const std::string command = "'" + self + "' --child " + mode + " '" + path + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    Sample sample;
    if (pipe == nullptr || std::fscanf(pipe, "%lf %lf %lf %ld %zu", &sample.ms, &sample.load_ms,
                                       &sample.cpu_ms, &sample.kib, &sample.selected) != 5) {
        std::cerr << "inventory_bench: child '" << mode << "' failed\n";
        std::exit(1);
    }
    ::pclose(pipe);
    return sample;
}

struct Mode {
    const char* name;
    const char* label;
    std::vector<Sample> samples;
};

void report(Mode& mode, long baseline_kib) {
    std::vector<Sample>& samples = mode.samples;
    std::sort(samples.begin(), samples.end(),
              [](const Sample& a, const Sample& b) { return a.ms < b.ms; });
    const Sample& median = samples[samples.size() / 2];
    long peak = 0;
    for (const Sample& sample : samples) {
        peak = std::max(peak, sample.kib);
    }
    std::printf("%-34s median %6.1f ms wall, %6.1f ms CPU (load %6.1f; wall min %6.1f, max %6.1f)"
                "  peak RSS %6.1f MiB (+%.1f MiB over an idle process)  selected %zu\n",
                mode.label, median.ms, median.cpu_ms, median.load_ms, samples.front().ms,
                samples.back().ms, double(peak) / 1024.0, double(peak - baseline_kib) / 1024.0,
                median.selected);
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--child") {
        return child(argv[2], argv[3]);
    }
    const std::string self = std::filesystem::canonical("/proc/self/exe").string();
    char directory[] = "/tmp/inventory_bench.XXXXXX";
    if (::mkdtemp(directory) == nullptr) {
        std::perror("mkdtemp");
        return 1;
    }
    const std::string path = std::string(directory) + "/inventory.json";
    if (auto saved = save_inventory(generate(), path); !saved) {
        std::cerr << saved.error() << '\n';
        return 1;
    }
    const auto bytes = std::filesystem::file_size(path);
    std::printf("inventory_bench: %zu nodes, ~16 labels and one host key each, %.1f MiB of JSON\n",
                k_nodes, double(bytes) / (1024.0 * 1024.0));
    std::printf("select: -l '%s' -w '%s'; %d rounds of each in turn, each run in a fresh process\n",
                k_selector, k_nodes_set, k_runs);
    const long baseline = run_child(self, "none", path).kib;
    std::array<Mode, 3> modes{{{"ours", "breakglass load+select (pull)", {}},
                               {"sax", "nlohmann SAX load+select", {}},
                               {"dom", "nlohmann::json DOM parse+select", {}}}};
    // The order turns each round, so each mode follows each other mode equally often. It
    // matters: on a VM a process that starts right after the DOM run (200 MiB touched and
    // freed) pays ~15% more for its own fresh pages, and in a fixed order that was always ours.
    for (int round = 0; round < k_runs; ++round) {
        for (std::size_t i = 0; i < modes.size(); ++i) {
            Mode& mode = modes[(i + static_cast<std::size_t>(round)) % modes.size()];
            mode.samples.push_back(run_child(self, mode.name, path));
        }
    }
    for (Mode& mode : modes) {
        report(mode, baseline);
    }
    std::printf("targets for breakglass: median load+select < 100 ms wall, peak <= 64 MiB\n");
    std::filesystem::remove_all(directory);
    return 0;
}
