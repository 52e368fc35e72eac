#include "policy/connection_plan.hpp"

#include <gtest/gtest.h>

using namespace breakglass;
using policy::PlanErrorClass;
using transport::BecomeMethod;

namespace {

// The settings as a command would resolve them: real precedence, fixed environment.
struct SettingsBuilder {
    std::map<std::string, std::string> env{{"HOME", "/home/responder"}};
    std::map<std::string, std::vector<std::string>> flags;
    std::string config_text;
    std::map<std::string, nlohmann::json> playbook;

    config::Settings build() const {
        config::SettingsInputs inputs;
        inputs.env = config::fixed_environment(env);
        inputs.flags = flags;
        if (!config_text.empty()) {
            inputs.file = config::parse_config_text("/etc/bg/config.json", config_text).value();
        }
        inputs.playbook_defaults = playbook;
        inputs.playbook_origin = "daemonset-freeze";
        return config::resolve_settings(inputs).value();
    }
    config::EnvLookup lookup() const { return config::fixed_environment(env); }
};

inventory::Inventory three_nodes() {
    inventory::Inventory fleet;
    fleet.defaults.port = 2222;
    inventory::Node plain;
    plain.name = "plain";
    plain.address = "10.0.0.1";
    inventory::Node own;
    own.name = "own";
    own.address = "10.0.0.2";
    own.port = 22;
    own.user = "node-user";
    own.jump = "hop@10.9.0.2:22";
    own.host_keys = {"ssh-ed25519 AAAA"};
    inventory::Node root;
    root.name = "root-login";
    root.address = "fd00::3";
    root.user = "root";
    fleet.nodes = {plain, own, root};
    return fleet;
}

const std::vector<std::size_t> k_all{0, 1, 2};

policy::ConnectionPlan plan_of(const SettingsBuilder& builder, const inventory::Inventory& fleet,
                               const std::vector<std::size_t>& selected = k_all,
                               BecomeMethod become = BecomeMethod::sudo) {
    auto plan =
        policy::plan_connections(builder.build(), fleet, selected, become, false, builder.lookup());
    EXPECT_TRUE(plan.has_value()) << plan.error().message;
    return plan.value_or(policy::ConnectionPlan{});
}

std::vector<std::string> users_of(const policy::ConnectionPlan& plan) {
    std::vector<std::string> users;
    for (const transport::NodeTarget& target : plan.targets) {
        users.push_back(target.user);
    }
    return users;
}

std::vector<std::string> jumps_of(const policy::ConnectionPlan& plan) {
    std::vector<std::string> chains;
    for (const transport::NodeTarget& target : plan.targets) {
        chains.push_back(transport::describe(target.jumps, target.jumps.size()));
    }
    return chains;
}

policy::PlanError jump_error(const SettingsBuilder& builder, const inventory::Inventory& fleet,
                             const std::vector<std::size_t>& selected = k_all) {
    auto plan = policy::plan_connections(builder.build(), fleet, selected, BecomeMethod::sudo,
                                         false, builder.lookup());
    EXPECT_FALSE(plan.has_value());
    return plan ? policy::PlanError{} : plan.error();
}

policy::PlanError become_error(const SettingsBuilder& builder, const inventory::Inventory& fleet) {
    auto method = policy::plan_become_method(builder.build(), fleet, "/srv/inventory.json");
    EXPECT_FALSE(method.has_value());
    return method ? policy::PlanError{} : method.error();
}

} // namespace

TEST(ConnectionPlan, TargetsFollowTheSelectionWithAddressPortAndPins) {
    const inventory::Inventory fleet = three_nodes();
    const auto plan = plan_of(SettingsBuilder{}, fleet, {2, 0});
    ASSERT_EQ(plan.targets.size(), 2U);
    EXPECT_EQ(plan.targets[0].name, "root-login");
    EXPECT_EQ(plan.targets[0].address, "fd00::3");
    EXPECT_EQ(plan.targets[0].port, 2222); // the inventory's default port
    EXPECT_EQ(plan.targets[1].name, "plain");

    const auto all = plan_of(SettingsBuilder{}, fleet);
    EXPECT_EQ(all.targets[1].port, 22); // the node's own
    EXPECT_EQ(all.targets[1].pinned_host_keys, std::vector<std::string>{"ssh-ed25519 AAAA"});
    EXPECT_TRUE(all.targets[0].pinned_host_keys.empty());
}

TEST(ConnectionPlan, LoginUserIsTheNodesThenTheInventorysThenUserThenRoot) {
    inventory::Inventory fleet = three_nodes();
    SettingsBuilder builder;
    builder.env["USER"] = "alice";
    EXPECT_EQ(users_of(plan_of(builder, fleet)),
              (std::vector<std::string>{"alice", "node-user", "root"}));

    fleet.defaults.user = "fleet-user";
    EXPECT_EQ(users_of(plan_of(builder, fleet)),
              (std::vector<std::string>{"fleet-user", "node-user", "root"}));

    fleet.defaults.user.clear();
    builder.env.erase("USER");
    EXPECT_EQ(users_of(plan_of(builder, fleet)),
              (std::vector<std::string>{"root", "node-user", "root"}));
}

TEST(ConnectionPlan, UserSettingBeatsNodeAndInventoryFromEverySource) {
    inventory::Inventory fleet = three_nodes();
    fleet.defaults.user = "fleet-user";
    const std::vector<std::string> everyone_ops{"ops", "ops", "ops"};

    SettingsBuilder from_file;
    from_file.config_text = R"({"user": "ops"})";
    EXPECT_EQ(users_of(plan_of(from_file, fleet)), everyone_ops);

    SettingsBuilder from_playbook;
    from_playbook.playbook = {{"user", "ops"}};
    EXPECT_EQ(users_of(plan_of(from_playbook, fleet)), everyone_ops);

    SettingsBuilder from_env = from_file;
    from_env.env["BREAKGLASS_USER"] = "env-user";
    EXPECT_EQ(users_of(plan_of(from_env, fleet)),
              (std::vector<std::string>{"env-user", "env-user", "env-user"}));

    SettingsBuilder from_flag = from_env;
    from_flag.flags = {{"user", {"ops"}}};
    EXPECT_EQ(users_of(plan_of(from_flag, fleet)), everyone_ops);
}

TEST(ConnectionPlan, RootLogsInWithoutBecomeEveryoneElseWithTheRunsMethod) {
    const inventory::Inventory fleet = three_nodes();
    SettingsBuilder builder;
    builder.env["USER"] = "alice";
    const auto sudo = plan_of(builder, fleet, k_all, BecomeMethod::sudo);
    EXPECT_EQ(sudo.targets[0].become, BecomeMethod::sudo);
    EXPECT_EQ(sudo.targets[1].become, BecomeMethod::sudo);
    EXPECT_EQ(sudo.targets[2].become, BecomeMethod::none);
    EXPECT_EQ(plan_of(builder, fleet, k_all, BecomeMethod::none).targets[0].become,
              BecomeMethod::none);

    builder.flags = {{"user", {"root"}}};
    for (const transport::NodeTarget& target : plan_of(builder, fleet).targets) {
        EXPECT_EQ(target.become, BecomeMethod::none) << target.name;
    }
}

TEST(ConnectionPlan, JumpSettingBeatsTheNodesWhichBeatsTheInventorys) {
    inventory::Inventory fleet = three_nodes();
    EXPECT_EQ(jumps_of(plan_of(SettingsBuilder{}, fleet)),
              (std::vector<std::string>{"", "hop@10.9.0.2:22", ""}));

    fleet.defaults.jump = "ops@10.9.0.1:22";
    EXPECT_EQ(jumps_of(plan_of(SettingsBuilder{}, fleet)),
              (std::vector<std::string>{"ops@10.9.0.1:22", "hop@10.9.0.2:22", "ops@10.9.0.1:22"}));

    SettingsBuilder from_env;
    from_env.env["BREAKGLASS_JUMP"] = "env@10.9.0.3:2200,inner@[fd00::9]:22";
    const auto chained = plan_of(from_env, fleet);
    for (const transport::NodeTarget& target : chained.targets) {
        ASSERT_EQ(target.jumps.size(), 2U) << target.name;
        EXPECT_EQ(target.jumps[0].user, "env");
        EXPECT_EQ(target.jumps[0].port, 2200);
        EXPECT_EQ(target.jumps[1].address, "fd00::9");
    }
}

TEST(ConnectionPlan, AnEmptyJumpFlagGoesDirectPastTheInventorysBastions) {
    inventory::Inventory fleet = three_nodes();
    fleet.defaults.jump = "ops@10.9.0.1:22";
    SettingsBuilder builder;
    builder.flags = {{"jump", {""}}};
    EXPECT_EQ(jumps_of(plan_of(builder, fleet)), (std::vector<std::string>{"", "", ""}));
}

TEST(ConnectionPlan, ABadJumpFromTheInventoryIsAnInventoryErrorNamingTheNode) {
    inventory::Inventory fleet = three_nodes();
    fleet.nodes[1].jump = "hop@bastion.example:22";
    const policy::PlanError error = jump_error(SettingsBuilder{}, fleet);
    EXPECT_EQ(error.kind, PlanErrorClass::inventory);
    EXPECT_TRUE(error.message.starts_with("node own: ")) << error.message;

    // Only selected nodes are judged.
    EXPECT_EQ(plan_of(SettingsBuilder{}, fleet, {0, 2}).targets.size(), 2U);

    fleet.nodes[1].jump.clear();
    fleet.defaults.jump = "ops@,";
    const policy::PlanError from_defaults = jump_error(SettingsBuilder{}, fleet, {2, 0});
    EXPECT_EQ(from_defaults.kind, PlanErrorClass::inventory);
    EXPECT_TRUE(from_defaults.message.starts_with("node root-login: ")) << from_defaults.message;
}

TEST(ConnectionPlan, ABadJumpSettingNamesItsOriginWithTheClassOfItsSource) {
    const inventory::Inventory fleet = three_nodes();
    const std::string bad = "ops@bastion.example:22";

    SettingsBuilder from_flag;
    from_flag.flags = {{"jump", {bad}}};
    const policy::PlanError flag = jump_error(from_flag, fleet);
    EXPECT_EQ(flag.kind, PlanErrorClass::usage);
    EXPECT_TRUE(flag.message.starts_with("--jump: ")) << flag.message;

    SettingsBuilder from_env;
    from_env.env["BREAKGLASS_JUMP"] = bad;
    const policy::PlanError env = jump_error(from_env, fleet);
    EXPECT_EQ(env.kind, PlanErrorClass::config);
    EXPECT_TRUE(env.message.starts_with("BREAKGLASS_JUMP: ")) << env.message;

    SettingsBuilder from_file;
    from_file.config_text = R"({"jump": ")" + bad + R"("})";
    const policy::PlanError file = jump_error(from_file, fleet);
    EXPECT_EQ(file.kind, PlanErrorClass::config);
    EXPECT_TRUE(file.message.starts_with("/etc/bg/config.json:1:")) << file.message;

    // A playbook's bad jump has always been a configuration error (a bad become is a refusal).
    SettingsBuilder from_playbook;
    from_playbook.playbook = {{"jump", bad}};
    const policy::PlanError playbook = jump_error(from_playbook, fleet);
    EXPECT_EQ(playbook.kind, PlanErrorClass::config);
    EXPECT_TRUE(playbook.message.starts_with("daemonset-freeze: ")) << playbook.message;
}

TEST(ConnectionPlan, IdentitiesComeFromTheSettingElseTheInventory) {
    inventory::Inventory fleet = three_nodes();
    fleet.defaults.identities = {"/keys/fleet"};
    SettingsBuilder builder;
    auto plan = plan_of(builder, fleet);
    EXPECT_EQ(plan.identity_paths, std::vector<std::string>{"/keys/fleet"});
    EXPECT_EQ(plan.home, "/home/responder");
    EXPECT_FALSE(plan.use_agent);

    builder.flags = {{"identity", {"/keys/a", "/keys/b"}}};
    builder.env["SSH_AUTH_SOCK"] = "/run/agent.sock";
    plan = plan_of(builder, fleet);
    EXPECT_EQ(plan.identity_paths, (std::vector<std::string>{"/keys/a", "/keys/b"}));
    EXPECT_TRUE(plan.use_agent);

    fleet.defaults.identities.clear();
    EXPECT_TRUE(plan_of(SettingsBuilder{}, fleet).identity_paths.empty()); // OpenSSH's defaults
}

TEST(ConnectionPlan, SessionAndLimitsComeFromTheirSettings) {
    SettingsBuilder builder;
    builder.config_text = R"({"connect_timeout": "2s", "handshake_timeout": "9s", "timeout": "1m",
        "deadline": "10m", "max_output": "4KiB", "parallel": 7, "rate": 0, "jump_parallel": 3})";
    builder.flags = {{"known_hosts", {"/etc/bg/known_hosts"}}};
    const inventory::Inventory fleet = three_nodes();
    auto plan = policy::plan_connections(builder.build(), fleet, k_all, BecomeMethod::sudo, true,
                                         builder.lookup());
    ASSERT_TRUE(plan.has_value()) << plan.error().message;
    EXPECT_EQ(plan->session.connect_timeout, std::chrono::seconds(2));
    EXPECT_EQ(plan->session.handshake_timeout, std::chrono::seconds(9));
    EXPECT_EQ(plan->session.command_timeout, std::chrono::minutes(1));
    EXPECT_EQ(plan->session.max_output, 4096U);
    EXPECT_EQ(plan->session.known_hosts, "/etc/bg/known_hosts");
    EXPECT_TRUE(plan->session.accept_new_host_keys);
    EXPECT_EQ(plan->session.credentials, nullptr); // loaded by the caller, after the plan
    EXPECT_EQ(plan->limits.parallel, 7);
    EXPECT_EQ(plan->limits.rate, 0);
    EXPECT_EQ(plan->limits.deadline, std::chrono::minutes(10));
    EXPECT_EQ(plan->limits.jump_parallel, 3);
    EXPECT_EQ(plan->limits.cancel, nullptr);

    const auto defaults = plan_of(SettingsBuilder{}, fleet);
    EXPECT_EQ(defaults.session.known_hosts, "/home/responder/.ssh/known_hosts");
    EXPECT_FALSE(defaults.session.accept_new_host_keys);
}

TEST(ConnectionPlan, BecomeIsTheSettingElseTheInventorysElseSudo) {
    inventory::Inventory fleet = three_nodes();
    EXPECT_EQ(policy::plan_become_method(SettingsBuilder{}.build(), fleet, "inv"),
              BecomeMethod::sudo);

    fleet.defaults.become = "none";
    EXPECT_EQ(policy::plan_become_method(SettingsBuilder{}.build(), fleet, "inv"),
              BecomeMethod::none);

    SettingsBuilder from_playbook;
    from_playbook.playbook = {{"become", "sudo"}};
    EXPECT_EQ(policy::plan_become_method(from_playbook.build(), fleet, "inv"), BecomeMethod::sudo);

    SettingsBuilder from_flag;
    from_flag.flags = {{"become", {"sudo"}}};
    fleet.defaults.become = "doas"; // not even read when a setting names the method
    EXPECT_EQ(policy::plan_become_method(from_flag.build(), fleet, "inv"), BecomeMethod::sudo);
}

TEST(ConnectionPlan, ABadBecomeNamesWhereItCameFromWithTheClassOfItsSource) {
    inventory::Inventory fleet = three_nodes();
    fleet.defaults.become = "su -c";
    const policy::PlanError inventory = become_error(SettingsBuilder{}, fleet);
    EXPECT_EQ(inventory.kind, PlanErrorClass::inventory);
    EXPECT_TRUE(inventory.message.starts_with("inventory /srv/inventory.json: defaults.become: "))
        << inventory.message;

    fleet.defaults.become.clear();
    SettingsBuilder from_flag;
    from_flag.flags = {{"become", {"sudo -u x"}}};
    const policy::PlanError flag = become_error(from_flag, fleet);
    EXPECT_EQ(flag.kind, PlanErrorClass::usage);
    EXPECT_TRUE(flag.message.starts_with("--become-method: become: ")) << flag.message;

    SettingsBuilder from_env;
    from_env.env["BREAKGLASS_BECOME"] = "doas";
    const policy::PlanError env = become_error(from_env, fleet);
    EXPECT_EQ(env.kind, PlanErrorClass::config);
    EXPECT_TRUE(env.message.starts_with("BREAKGLASS_BECOME: become: ")) << env.message;

    SettingsBuilder from_file;
    from_file.config_text = R"({"become": "doas"})";
    EXPECT_EQ(become_error(from_file, fleet).kind, PlanErrorClass::config);

    SettingsBuilder from_playbook;
    from_playbook.playbook = {{"become", "doas"}};
    const policy::PlanError playbook = become_error(from_playbook, fleet);
    EXPECT_EQ(playbook.kind, PlanErrorClass::playbook);
    EXPECT_TRUE(playbook.message.starts_with("daemonset-freeze: become: ")) << playbook.message;
}
