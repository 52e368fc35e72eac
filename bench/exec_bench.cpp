// `breakglass exec true` on a lab fleet next to parallel-ssh (pssh), in the same run: wall time,
// client CPU per node (user+sys of the client and every process it forks) and peak memory.
// Both clients pin curve25519-sha256 (OpenSSH's default sntrup761 costs ~75 ms more per node
// and libssh 0.10 lacks it). The lab sshds run on the same two cores, so wall time is bounded
// by the server (about 100 connections/s) for every client.
//
//   exec_bench [--nodes 1000] [--parallel 128] [--runs 3] [--wide 512]
//
// Run as root from the build tree; it brings up and removes its own lab fleet.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Sample {
    double wall_s = 0;
    double cpu_ms_per_node = 0;
    double peak_mib = 0;
    int exit_code = -1;
};

Sample run(const std::vector<std::string>& argv, int nodes, bool quiet = true) {
    std::fflush(stdout); // else the child flushes our buffered lines again
    auto started = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
        if (quiet) {
            // The child's descriptors, not stdio's streams: exec replaces the streams anyway.
            const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (null >= 0) {
                ::dup2(null, STDOUT_FILENO);
                ::dup2(null, STDERR_FILENO);
                ::close(null);
            }
        }
        std::vector<char*> args;
        for (const auto& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str())); // NOLINT: execvp's signature
        }
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    Sample sample;
    sample.wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double cpu = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
                 double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
    sample.cpu_ms_per_node = cpu / nodes;
    sample.peak_mib = double(usage.ru_maxrss) / 1024.0; // the largest single process
    sample.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return sample;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::string arg_value(int argc, char** argv, const std::string& name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == name) {
            return argv[i + 1];
        }
    }
    return fallback;
}

} // namespace

int main(int argc, char** argv) {
    const int nodes = std::stoi(arg_value(argc, argv, "--nodes", "1000"));
    const int parallel = std::stoi(arg_value(argc, argv, "--parallel", "128"));
    const int runs = std::stoi(arg_value(argc, argv, "--runs", "3"));
    const int wide = std::stoi(arg_value(argc, argv, "--wide", "512"));
    const std::string source = BREAKGLASS_SOURCE_DIR;
    const std::string binary = BREAKGLASS_BINARY;
    const std::string name = "bench-" + std::to_string(::getpid());
    const std::string fleet = "/run/breakglass-lab/" + name;
    const std::string netns = "--net=/var/run/netns/bglab-" + name;

    if (run({source + "/lab/fleet", "up", "--name", name, "--nodes", std::to_string(nodes),
             "--sshds", "1"},
            1)
            .exit_code != 0) {
        std::cerr << "exec_bench: lab/fleet up failed (run as root)\n";
        return 1;
    }
    const std::string inventory = fleet + "/bench-inventory.json";
    // Signed, as a real fleet's should be: runs then pay for the signature check they need.
    run({binary, "inventory", "import", "--lab", fleet + "/fleet.json", "-O", inventory,
         "--sign-with", fleet + "/signer_ed25519"},
        1);
    // pssh's host file: address:port, one per line.
    {
        std::ifstream known_hosts(fleet + "/known_hosts");
        std::ofstream hosts(fleet + "/pssh-hosts");
        for (std::string line; std::getline(known_hosts, line);) {
            auto close = line.find(']');
            hosts << line.substr(1, close - 1) << ":"
                  << line.substr(close + 2, line.find(' ') - close - 2) << "\n";
        }
    }
    const std::vector<std::string> ours{"nsenter",
                                        netns,
                                        "--",
                                        binary,
                                        "exec",
                                        "-i",
                                        inventory,
                                        "-o",
                                        "jsonl",
                                        "-p",
                                        std::to_string(parallel),
                                        "--rate",
                                        "0",
                                        "--allowed-signers",
                                        fleet + "/allowed_signers",
                                        "--",
                                        "true"};
    const std::vector<std::string> pssh{"nsenter", netns,
                                        "--",      "parallel-ssh",
                                        "-h",      fleet + "/pssh-hosts",
                                        "-l",      "root",
                                        "-p",      std::to_string(parallel),
                                        "-t",      "120",
                                        "-O",      "KexAlgorithms=curve25519-sha256",
                                        "-O",      "UserKnownHostsFile=" + fleet + "/known_hosts",
                                        "-O",      "StrictHostKeyChecking=yes",
                                        "-O",      "GlobalKnownHostsFile=/dev/null",
                                        "-O",      "IdentitiesOnly=yes",
                                        "-x",      "-F /dev/null -i " + fleet + "/client_ed25519",
                                        "true"};

    std::vector<double> our_wall, our_cpu, our_mem, peer_wall, peer_cpu, peer_mem;
    int our_failures = 0;
    int peer_failures = 0;
    for (int i = 0; i < runs; ++i) { // interleaved, so drift hits both alike
        Sample a = run(ours, nodes);
        our_wall.push_back(a.wall_s);
        our_cpu.push_back(a.cpu_ms_per_node);
        our_mem.push_back(a.peak_mib);
        our_failures += a.exit_code != 0;
        Sample b = run(pssh, nodes);
        peer_wall.push_back(b.wall_s);
        peer_cpu.push_back(b.cpu_ms_per_node);
        peer_mem.push_back(b.peak_mib);
        peer_failures += b.exit_code != 0;
    }
    // 512 in flight needs more than one lab sshd: OpenSSH listens with a backlog of 128, so a
    // single sshd resets connections beyond that. A second fleet with 8 sshds takes the burst.
    const std::string wide_name = name + "-wide";
    run({source + "/lab/fleet", "up", "--name", wide_name, "--nodes", std::to_string(nodes),
         "--sshds", "8"},
        1);
    const std::string wide_inventory = "/run/breakglass-lab/" + wide_name + "/inventory.json";
    run({binary, "inventory", "import", "--lab", "/run/breakglass-lab/" + wide_name + "/fleet.json",
         "-O", wide_inventory, "--sign-with",
         "/run/breakglass-lab/" + wide_name + "/signer_ed25519"},
        1);
    std::vector<std::string> wide_run = ours;
    wide_run[1] = "--net=/var/run/netns/bglab-" + wide_name;
    wide_run[6] = wide_inventory;
    wide_run[10] = std::to_string(wide);
    wide_run[14] = "/run/breakglass-lab/" + wide_name + "/allowed_signers";
    Sample w = run(wide_run, nodes);
    run({source + "/lab/fleet", "down", "--name", wide_name}, 1);

    std::printf("exec_bench: %d lab nodes (1 sshd), -p %d, %d runs each, medians\n", nodes,
                parallel, runs);
    std::printf("%-34s %10s %18s %14s %9s\n", "client", "wall (s)", "CPU/node (ms)",
                "peak RSS (MiB)", "failed");
    std::printf("%-34s %10.2f %18.3f %14.1f %9d\n", "breakglass exec", median(our_wall),
                median(our_cpu), median(our_mem), our_failures);
    std::printf("%-34s %10.2f %18.3f %14.1f %9d\n", "parallel-ssh (pssh 2.3)", median(peer_wall),
                median(peer_cpu), median(peer_mem), peer_failures);
    std::printf("%-34s %10.2f %18.3f %14.1f %9d\n",
                ("breakglass exec -p " + std::to_string(wide) + " (8 sshds)").c_str(), w.wall_s,
                w.cpu_ms_per_node, w.peak_mib, w.exit_code != 0);
    std::printf("(pssh's peak RSS is its own process; each of its ssh children is separate)\n");
    run({source + "/lab/fleet", "down", "--name", name}, 1);
    return 0;
}
