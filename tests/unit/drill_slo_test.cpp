#include "drill/slo.hpp"
#include "drill/summary.hpp"

#include <gtest/gtest.h>

using namespace breakglass::drill;
using namespace std::chrono_literals;

namespace {

const std::chrono::sys_seconds k_now{std::chrono::seconds(1'800'000'000)};

InventoryCheck signed_inventory() {
    InventoryCheck inventory;
    inventory.captured_at = k_now - 1h;
    inventory.signature_verified = true;
    inventory.signer = "ops";
    inventory.nodes = 10;
    inventory.pinned = 10;
    return inventory;
}

std::vector<PlaybookCheck> valid_playbooks() {
    return {{"daemonset-freeze", "/p/daemonset-freeze.json", "", k_now + 30 * 24h}};
}

NodeFigures healthy(std::size_t nodes) {
    NodeFigures figures;
    figures.sampled = figures.reachable = figures.ready = nodes;
    figures.node_time = Percentiles{100ms, 200ms, 300ms};
    return figures;
}

const SloResult& result_of(const std::vector<SloResult>& results, Slo slo) {
    for (const SloResult& result : results) {
        if (result.slo == slo) {
            return result;
        }
    }
    throw std::runtime_error("no result");
}

std::vector<Slo> missed(const std::vector<SloResult>& results) {
    std::vector<Slo> slos;
    for (const SloResult& result : results) {
        if (!result.met) {
            slos.push_back(result.slo);
        }
    }
    return slos;
}

} // namespace

TEST(DrillSlo, DefaultsAreTheDocumentedOnes) {
    const SloThresholds defaults;
    EXPECT_DOUBLE_EQ(defaults.min_reachable, 0.99);
    EXPECT_DOUBLE_EQ(defaults.min_ready, 0.99);
    EXPECT_EQ(defaults.max_inventory_age, 24h);
    EXPECT_EQ(defaults.max_p99, 2s);
    EXPECT_DOUBLE_EQ(defaults.min_pinned, 1.0);
    EXPECT_EQ(defaults.min_playbook_validity, 7 * 24h);
}

TEST(DrillSlo, AHealthyDrillMeetsEveryObjectiveOnce) {
    const auto results =
        evaluate_slos(healthy(10), signed_inventory(), valid_playbooks(), {}, k_now);
    EXPECT_EQ(results.size(), 7U);
    EXPECT_TRUE(missed(results).empty());
}

TEST(DrillSlo, ReachabilityBelowItsShareMissesNamingTheNodes) {
    NodeFigures figures = healthy(100);
    figures.reachable = 95;
    figures.unreachable = {"node-3", "node-7"};
    const auto results = evaluate_slos(figures, signed_inventory(), valid_playbooks(), {}, k_now);
    EXPECT_EQ(missed(results), std::vector<Slo>{Slo::reachable});
    const std::string& line = result_of(results, Slo::reachable).line;
    EXPECT_NE(line.find("95% (95 of 100) < 99%"), std::string::npos) << line;
    EXPECT_NE(line.find("node-3, node-7"), std::string::npos) << line;
    // 99 of 100 is exactly 99%: met.
    figures.reachable = 99;
    EXPECT_TRUE(
        missed(evaluate_slos(figures, signed_inventory(), valid_playbooks(), {}, k_now)).empty());
}

TEST(DrillSlo, EachLocalObjectiveMissesOnItsOwn) {
    InventoryCheck stale = signed_inventory();
    stale.captured_at = k_now - 25h;
    EXPECT_EQ(missed(evaluate_slos(healthy(3), stale, valid_playbooks(), {}, k_now)),
              std::vector<Slo>{Slo::inventory_age});

    InventoryCheck unsigned_inventory = signed_inventory();
    unsigned_inventory.signature_verified = false;
    unsigned_inventory.signature_problem = "missing";
    EXPECT_EQ(missed(evaluate_slos(healthy(3), unsigned_inventory, valid_playbooks(), {}, k_now)),
              std::vector<Slo>{Slo::inventory_signature});

    InventoryCheck expiring_signer = signed_inventory();
    expiring_signer.signer_valid_before = k_now + 3 * 24h;
    EXPECT_EQ(missed(evaluate_slos(healthy(3), expiring_signer, valid_playbooks(), {}, k_now)),
              std::vector<Slo>{Slo::inventory_signature});

    InventoryCheck unpinned = signed_inventory();
    unpinned.pinned = 9;
    EXPECT_EQ(missed(evaluate_slos(healthy(3), unpinned, valid_playbooks(), {}, k_now)),
              std::vector<Slo>{Slo::pinned});

    NodeFigures slow = healthy(3);
    slow.node_time->p99 = 2001ms;
    EXPECT_EQ(missed(evaluate_slos(slow, signed_inventory(), valid_playbooks(), {}, k_now)),
              std::vector<Slo>{Slo::node_p99});
}

TEST(DrillSlo, PlaybooksMissWhenExpiredUnverifiedOrTooShort) {
    std::vector<PlaybookCheck> playbooks = valid_playbooks();
    playbooks.push_back({"daemonset-thaw", "/p/t.json", "", k_now + 24h});
    playbooks.push_back({"daemonset-stop", "/p/s.json", "expired at 2026-12-01T00:00:00Z", {}});
    const auto results = evaluate_slos(healthy(3), signed_inventory(), playbooks, {}, k_now);
    EXPECT_EQ(missed(results), std::vector<Slo>{Slo::playbook_validity});
    const std::string& line = result_of(results, Slo::playbook_validity).line;
    EXPECT_NE(line.find("2 of 3"), std::string::npos) << line;
    EXPECT_NE(line.find("daemonset-thaw"), std::string::npos) << line;
    EXPECT_NE(line.find("daemonset-stop (expired"), std::string::npos) << line;
    // With a shorter window, one valid for a day passes (and only warns, see expiry_warnings).
    SloThresholds lenient;
    lenient.min_playbook_validity = 12h;
    playbooks.pop_back();
    EXPECT_TRUE(
        missed(evaluate_slos(healthy(3), signed_inventory(), playbooks, lenient, k_now)).empty());
    EXPECT_EQ(missed(evaluate_slos(healthy(3), signed_inventory(), {}, {}, k_now)),
              std::vector<Slo>{Slo::playbook_validity});
}

TEST(DrillSlo, NoNodesMeansNoShareAndNoP99) {
    const auto results =
        evaluate_slos(NodeFigures{}, signed_inventory(), valid_playbooks(), {}, k_now);
    EXPECT_EQ(missed(results), (std::vector<Slo>{Slo::reachable, Slo::ready, Slo::node_p99}));
}

TEST(DrillSlo, SharesParseAsPercentages) {
    EXPECT_DOUBLE_EQ(*parse_share("99%"), 0.99);
    EXPECT_DOUBLE_EQ(*parse_share("99.9%"), 0.999);
    EXPECT_DOUBLE_EQ(*parse_share("0%"), 0.0);
    EXPECT_DOUBLE_EQ(*parse_share("100%"), 1.0);
    for (const char* bad :
         {"99", "101%", "-1%", "9.%", ".5%", "1.2345%", "099%", "%", "", "a%", "1e2%"}) {
        EXPECT_FALSE(parse_share(bad)) << bad;
    }
    EXPECT_EQ(format_share(0.995), "99.5%");
    EXPECT_EQ(format_share(1.0), "100%");
}

TEST(DrillSlo, ExpiryWarningsNameWhatExpiresWithinTheWindow) {
    const std::vector<PlaybookCheck> playbooks{
        {"soon", "/p/soon.json", "", k_now + 20h},
        {"later", "/p/later.json", "", k_now + 30 * 24h},
        {"gone", "/p/gone.json", "", k_now - 2h},
        {"broken", "/p/broken.json", "bad signature", std::nullopt}};
    const std::vector<SignerCheck> signers{{"ops", 2, k_now + 48h}, {"dev", 3, std::nullopt}};
    const auto warnings = expiry_warnings(signed_inventory(), playbooks, signers, k_now, 14 * 24h);
    ASSERT_EQ(warnings.size(), 2U);
    EXPECT_NE(warnings[0].find("2 playbooks expire within 14d: soon expires in 20h ("),
              std::string::npos)
        << warnings[0];
    EXPECT_NE(warnings[0].find(", gone expired 2h ago ("), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[1].find("trusted signer ops (allowed_signers line 2) expires in 2d"),
              std::string::npos)
        << warnings[1];
}

TEST(DrillSlo, FiguresCountNodesAndTimeOnlyReachedOnes) {
    std::vector<NodeOutcome> outcomes(3);
    outcomes[0].name = "a";
    outcomes[0].reached = outcomes[0].ready = true;
    outcomes[0].total = 50ms;
    outcomes[1].name = "b";
    outcomes[1].reached = true;
    outcomes[1].total = 80ms;
    outcomes[2].name = "c";
    outcomes[2].total = 10000ms; // a connect timeout: not a path time
    const NodeFigures figures = node_figures(outcomes);
    EXPECT_EQ(figures.reachable, 2U);
    EXPECT_EQ(figures.ready, 1U);
    EXPECT_EQ(figures.unreachable, std::vector<std::string>{"c"});
    EXPECT_EQ(figures.not_ready, (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(figures.node_time->p99, 80ms);
    const TimingFigures timings = timing_figures(outcomes, 5);
    EXPECT_EQ(timings.slowest, (std::vector<std::size_t>{1, 0}));
}
