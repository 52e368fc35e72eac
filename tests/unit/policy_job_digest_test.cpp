// The audit log's job_sha256: what a node was sent, as one digest. Two jobs that differ in
// anything a node would run differently must never share one.
#include "policy/job_digest.hpp"

#include <set>

#include <gtest/gtest.h>

using breakglass::policy::job_sha256;
using breakglass::transport::JobStep;
using breakglass::transport::NodeJob;

namespace {

NodeJob job_of(std::vector<JobStep> steps) {
    NodeJob job;
    job.steps = std::move(steps);
    return job;
}

const JobStep k_status{"status", "sh -c 'echo status'", std::chrono::milliseconds(30000), true};

} // namespace

TEST(PolicyJobDigest, TheSameJobHasTheSameDigestAsLowercaseHexSha256) {
    const std::string digest = job_sha256(job_of({k_status}));
    EXPECT_EQ(digest, job_sha256(job_of({k_status})));
    ASSERT_EQ(digest.size(), 64U);
    EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos) << digest;
    // Pinned: the record format is read by tools outside this repository (scripts that compare
    // runs). The bytes are "4:name,0:,1:0,7:command," (name, become, timeout, command per step);
    // the digest is `printf %s "4:name,0:,1:0,7:command," | sha256sum`.
    EXPECT_EQ(job_sha256(job_of({{"name", "command", std::chrono::milliseconds(0), false}})),
              "dba7f6b6c8659b9e10cb2846c79e9d66469c2791110739207373fd51e0e7da40");
}

TEST(PolicyJobDigest, EveryFieldOfEveryStepCounts) {
    std::set<std::string> digests{job_sha256(job_of({k_status}))};
    JobStep step = k_status;
    step.name = "other";
    digests.insert(job_sha256(job_of({step})));
    step = k_status;
    step.command += " --runtime-socket /run/k3s/containerd/containerd.sock";
    digests.insert(job_sha256(job_of({step})));
    step = k_status;
    step.timeout = std::chrono::milliseconds(30001);
    digests.insert(job_sha256(job_of({step})));
    step = k_status;
    step.become = false;
    digests.insert(job_sha256(job_of({step})));
    digests.insert(job_sha256(job_of({k_status, k_status})));
    digests.insert(job_sha256(job_of({})));
    EXPECT_EQ(digests.size(), 7U);
}

// Without the length prefixes, a boundary moved between two fields or two steps would hash the
// same bytes.
TEST(PolicyJobDigest, MovingTextAcrossAFieldOrStepBoundaryChangesTheDigest) {
    const auto step = [](std::string name, std::string command) {
        return JobStep{std::move(name), std::move(command), std::chrono::milliseconds(0), false};
    };
    EXPECT_NE(job_sha256(job_of({step("ab", "c")})), job_sha256(job_of({step("a", "bc")})));
    // Fields run together, both are "a" "" "0" "b" "c" "" "0" "d".
    EXPECT_NE(job_sha256(job_of({step("a", "b"), step("c", "d")})),
              job_sha256(job_of({step("a", "bc"), step("", "d")})));
}
