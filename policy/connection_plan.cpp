#include "policy/connection_plan.hpp"

#include "config/paths.hpp"
#include "transport/jump_host.hpp"

namespace breakglass::policy {

namespace {

// The class of a bad setting value, by where it came from.
PlanErrorClass class_of(config::Source source) {
    switch (source) {
    case config::Source::flag:
        return PlanErrorClass::usage;
    case config::Source::playbook:
        return PlanErrorClass::playbook;
    case config::Source::built_in:
    case config::Source::config_file:
    case config::Source::environment:
        break;
    }
    return PlanErrorClass::config;
}

std::string login_user(const config::Settings& settings, const inventory::Inventory& fleet,
                       const inventory::Node& node, const config::EnvLookup& env) {
    if (const std::string& user = settings.text("user"); !user.empty()) {
        return user;
    }
    if (!node.user.empty()) {
        return node.user;
    }
    if (!fleet.defaults.user.empty()) {
        return fleet.defaults.user;
    }
    return env("USER").value_or("root");
}

tl::expected<std::vector<transport::JumpHost>, PlanError>
jump_chain(const config::Settings& settings, const inventory::Inventory& fleet,
           const inventory::Node& node) {
    const config::ResolvedSetting& setting = settings.get("jump");
    // Any source but the built-in default decides, even with empty text: `-J ''` goes direct.
    if (setting.source != config::Source::built_in) {
        auto chain = transport::parse_jump_chain(settings.text("jump"));
        if (!chain) {
            // A playbook's jump counts as configuration here, as it always has (unlike become).
            return tl::unexpected(PlanError{setting.source == config::Source::flag
                                                ? PlanErrorClass::usage
                                                : PlanErrorClass::config,
                                            setting.origin + ": " + chain.error()});
        }
        return std::move(*chain);
    }
    auto chain = transport::parse_jump_chain(!node.jump.empty() ? node.jump : fleet.defaults.jump);
    if (!chain) {
        return tl::unexpected(
            PlanError{PlanErrorClass::inventory, "node " + node.name + ": " + chain.error()});
    }
    return std::move(*chain);
}

} // namespace

tl::expected<transport::BecomeMethod, PlanError>
plan_become_method(const config::Settings& settings, const inventory::Inventory& fleet,
                   const std::string& inventory_path) {
    const config::ResolvedSetting& setting = settings.get("become");
    if (setting.source == config::Source::built_in && !fleet.defaults.become.empty()) {
        auto method = transport::parse_become_method(fleet.defaults.become);
        if (!method) {
            return tl::unexpected(
                PlanError{PlanErrorClass::inventory,
                          "inventory " + inventory_path + ": defaults.become: " + method.error()});
        }
        return *method;
    }
    auto method = transport::parse_become_method(settings.text("become"));
    if (!method) {
        const std::string origin =
            setting.source == config::Source::flag ? "--become-method" : setting.origin;
        return tl::unexpected(
            PlanError{class_of(setting.source), origin + ": become: " + method.error()});
    }
    return *method;
}

tl::expected<ConnectionPlan, PlanError>
plan_connections(const config::Settings& settings, const inventory::Inventory& fleet,
                 const std::vector<std::size_t>& selected, transport::BecomeMethod become,
                 bool accept_new_host_keys, const config::EnvLookup& env) {
    ConnectionPlan plan;
    plan.targets.reserve(selected.size());
    for (std::size_t index : selected) {
        const inventory::Node& node = fleet.nodes[index];
        auto jumps = jump_chain(settings, fleet, node);
        if (!jumps) {
            return tl::unexpected(std::move(jumps.error()));
        }
        std::string user = login_user(settings, fleet, node, env);
        const transport::BecomeMethod node_become =
            user == "root" ? transport::BecomeMethod::none : become;
        plan.targets.push_back({node.name, node.address, fleet.port_of(node), std::move(user),
                                node.host_keys, node_become, std::move(*jumps), nullptr});
    }

    plan.identity_paths = settings.list("identity");
    if (plan.identity_paths.empty()) {
        plan.identity_paths = fleet.defaults.identities;
    }
    plan.use_agent = env("SSH_AUTH_SOCK").has_value();
    plan.home = config::home_dir(env).string();

    plan.session.connect_timeout = settings.duration("connect_timeout");
    plan.session.handshake_timeout = settings.duration("handshake_timeout");
    plan.session.command_timeout = settings.duration("timeout");
    plan.session.max_output = static_cast<std::size_t>(settings.size("max_output"));
    plan.session.known_hosts = settings.text("known_hosts");
    plan.session.accept_new_host_keys = accept_new_host_keys;

    plan.limits.parallel = static_cast<int>(settings.integer("parallel"));
    plan.limits.rate = static_cast<int>(settings.integer("rate"));
    plan.limits.deadline = settings.duration("deadline");
    plan.limits.jump_parallel = static_cast<int>(settings.integer("jump_parallel"));
    return plan;
}

} // namespace breakglass::policy
