#include "config/settings.hpp"
#include "policy/rollout_limits.hpp"
#include "rollout/limits_text.hpp"

#include <gtest/gtest.h>

using namespace breakglass;
using breakglass::rollout::Outcome;
using breakglass::transport::NodeStatus;
using breakglass::transport::Reason;

namespace {

// The run's inputs: a config file, environment, flags and a playbook's rollout block, judged
// source by source as the CLI does (Context::setting_layers).
struct Inputs {
    std::map<std::string, std::string> env;
    std::string config = "{}";
    std::map<std::string, std::vector<std::string>> flags;
    std::map<std::string, nlohmann::json> playbook;

    tl::expected<rollout::RolloutLimitInputs, policy::RolloutSettingError> limit_inputs() const {
        config::SettingsInputs inputs;
        auto all_env = env;
        all_env.emplace("HOME", "/home/responder");
        inputs.env = config::fixed_environment(std::move(all_env));
        inputs.file = config::parse_config_text("/etc/bg/config.json", config).value();
        inputs.flags = flags;
        inputs.playbook_defaults = playbook;
        inputs.playbook_origin = "/pb/daemonset-freeze.json";
        return policy::rollout_limit_inputs(
            [&](config::AnyKey key) { return config::setting_layers(inputs, key).value(); });
    }
};

} // namespace

TEST(PolicyRolloutLimits, BuiltInDefaultsAreTheBaselineWithoutAPlaybook) {
    auto inputs = Inputs{}.limit_inputs().value();
    EXPECT_EQ(inputs.canary.baseline.value, 1U);
    EXPECT_EQ(inputs.canary.baseline.origin, rollout::Origin::built_in);
    EXPECT_EQ(rollout::to_text(inputs.waves.baseline.value), "5%,25%,100%");
    EXPECT_EQ(rollout::to_text(inputs.max_failures.baseline.value), "10%");
    EXPECT_EQ(inputs.pause.baseline.value, std::chrono::milliseconds(0));
    EXPECT_EQ(inputs.parallel.baseline.value, 64);
    EXPECT_FALSE(inputs.max_failures.config_file);
    EXPECT_FALSE(inputs.max_failures.flag);
}

TEST(PolicyRolloutLimits, ThePlaybookIsTheBaselineAndEverySourceIsKept) {
    Inputs given;
    given.playbook = {{"max_failures", "2"}, {"parallel", 16}};
    given.config = R"({"max_failures": "1", "parallel": 8})";
    given.env = {{"BREAKGLASS_MAX_FAILURES", "5%"}};
    given.flags = {{"max_failures", {"50%"}}};
    auto inputs = given.limit_inputs().value();
    EXPECT_EQ(rollout::to_text(inputs.max_failures.baseline.value), "2");
    EXPECT_EQ(inputs.max_failures.baseline.origin, rollout::Origin::playbook);
    EXPECT_EQ(inputs.max_failures.baseline.where, "playbook /pb/daemonset-freeze.json");
    EXPECT_EQ(rollout::to_text(inputs.max_failures.config_file->value), "1");
    EXPECT_EQ(rollout::to_text(inputs.max_failures.environment->value), "5%");
    EXPECT_EQ(inputs.max_failures.environment->where, "BREAKGLASS_MAX_FAILURES");
    EXPECT_EQ(rollout::to_text(inputs.max_failures.flag->value), "50%");
    EXPECT_EQ(inputs.parallel.baseline.value, 16);
    EXPECT_EQ(inputs.parallel.config_file->value, 8);
}

TEST(PolicyRolloutLimits, AnUnsignedConfigCannotLoosenASignedBudget) {
    Inputs given;
    given.playbook = {{"max_failures", "1"}};
    given.config = R"({"max_failures": "25%"})";
    auto refused = rollout::resolve_limits(given.limit_inputs().value(), 100);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().limit, "max_failures");
    EXPECT_EQ(refused.error().origin, rollout::Origin::config_file);

    given.config = R"({"max_failures": "0"})"; // tightening is fine
    auto tightened = rollout::resolve_limits(given.limit_inputs().value(), 100).value();
    EXPECT_EQ(rollout::to_text(tightened.max_failures.effective.value), "0");

    given.config = "{}";
    given.flags = {{"max_failures", {"25%"}}}; // the responder at the terminal may loosen
    auto loosened = rollout::resolve_limits(given.limit_inputs().value(), 100).value();
    EXPECT_TRUE(loosened.max_failures.loosened);
    EXPECT_FALSE(rollout::loosening_notes(loosened).empty());
}

TEST(PolicyRolloutLimits, BadTextNamesItsSource) {
    Inputs from_flag;
    from_flag.flags = {{"waves", {"5%,50"}}};
    auto flag_error = from_flag.limit_inputs();
    ASSERT_FALSE(flag_error);
    EXPECT_EQ(flag_error.error().source, config::Source::flag);
    EXPECT_NE(flag_error.error().message.find("--waves"), std::string::npos)
        << flag_error.error().message;

    Inputs from_env;
    from_env.env = {{"BREAKGLASS_MAX_FAILURES", "ten"}};
    auto env_error = from_env.limit_inputs();
    ASSERT_FALSE(env_error);
    EXPECT_EQ(env_error.error().source, config::Source::environment);
    EXPECT_NE(env_error.error().message.find("BREAKGLASS_MAX_FAILURES"), std::string::npos);
}

// Under a flag, a config file or environment value does not take effect, so one that cannot
// even be parsed does not refuse the run (in the settings layer or in the rollout grammar).
TEST(PolicyRolloutLimits, AFlagOverrulesUnreadableConfigAndEnvironmentValues) {
    Inputs given;
    given.env = {{"BREAKGLASS_WAVES", "5%,50"}, {"BREAKGLASS_PAUSE", "soon"}};
    given.config = R"({"max_failures": "ten", "canary": 0})";
    given.flags = {
        {"waves", {"10%,100%"}}, {"pause", {"1s"}}, {"max_failures", {"2"}}, {"canary", {"1"}}};
    auto inputs = given.limit_inputs().value();
    EXPECT_EQ(rollout::to_text(inputs.waves.flag->value), "10%,100%");
    EXPECT_FALSE(inputs.waves.environment);
    EXPECT_FALSE(inputs.pause.environment);
    EXPECT_FALSE(inputs.max_failures.config_file);
    auto resolved = rollout::resolve_limits(inputs, 100).value();
    EXPECT_EQ(rollout::to_text(resolved.waves.effective.value), "10%,100%");
    EXPECT_EQ(resolved.pause.effective.value, std::chrono::seconds(1));

    given.flags.erase("waves"); // without the flag the same environment value is refused
    auto refused = given.limit_inputs();
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("BREAKGLASS_WAVES"), std::string::npos);
}

TEST(PolicyRolloutLimits, BudgetOutcomesFollowTheDocumentedMapping) {
    EXPECT_EQ(policy::budget_outcome(NodeStatus::ok, Reason::none, true), Outcome::succeeded);
    // Connected and exited 0, but the command's own verdict is a failure (a DaemonSet action
    // whose containers are still running).
    EXPECT_EQ(policy::budget_outcome(NodeStatus::ok, Reason::none, false), Outcome::failed);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::failed, Reason::exit_status, false),
              Outcome::failed);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::failed, Reason::become_denied, false),
              Outcome::failed);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::timeout, Reason::command_timeout, false),
              Outcome::timeout);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::timeout, Reason::deadline_not_started, false),
              Outcome::cancelled);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::unreachable, Reason::connect_failed, false),
              Outcome::unreachable);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::auth_failed, Reason::auth_failed, false),
              Outcome::auth_failed);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::hostkey_changed, Reason::hostkey_changed, false),
              Outcome::hostkey_changed);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::hostkey_unknown, Reason::hostkey_unknown, false),
              Outcome::hostkey_unknown);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::error, Reason::channel_failed, false),
              Outcome::error);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::error, Reason::interrupted, false),
              Outcome::cancelled);
    EXPECT_EQ(policy::budget_outcome(NodeStatus::skipped, Reason::failure_budget, false),
              Outcome::cancelled);
}

TEST(PolicyRolloutLimits, LoadBudgetStatesTheWorstCase) {
    transport::NodeTarget root;
    root.become = transport::BecomeMethod::none;
    transport::NodeTarget user;
    user.become = transport::BecomeMethod::sudo;
    transport::NodeJob job;
    job.steps.push_back({"a", "echo one", std::chrono::milliseconds(0), true});
    job.steps.push_back({"b", "true", std::chrono::milliseconds(0), false});

    auto load = policy::load_budget({root, user, root}, job, 64, 100, 16, 1U << 20U);
    EXPECT_EQ(load.sessions_in_flight, 3U) << "never more sessions than nodes";
    EXPECT_EQ(load.connections_per_second, 100);
    EXPECT_EQ(load.channels_per_bastion, 16);
    EXPECT_EQ(load.steps, 2U);
    // The largest any node receives: the sudo-wrapped first step plus the second.
    EXPECT_EQ(load.bytes_sent_per_node,
              transport::with_become("echo one", transport::BecomeMethod::sudo).size() + 4);
    EXPECT_EQ(policy::load_budget({root, user}, job, 1, 0, 16, 1).sessions_in_flight, 1U);
    const std::string line = policy::describe(policy::load_budget({root}, job, 64, 0, 16, 1024));
    EXPECT_NE(line.find("unlimited"), std::string::npos) << line;
    EXPECT_NE(line.find("1 sessions in flight"), std::string::npos) << line;
}
