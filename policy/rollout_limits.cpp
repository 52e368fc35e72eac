#include "policy/rollout_limits.hpp"

#include "config/units.hpp"
#include "rollout/limits_text.hpp"
#include "transport/become.hpp"

#include <algorithm>

namespace breakglass::policy {

namespace {

rollout::Origin origin_of(config::Source source) {
    switch (source) {
    case config::Source::built_in:
        return rollout::Origin::built_in;
    case config::Source::playbook:
        return rollout::Origin::playbook;
    case config::Source::config_file:
        return rollout::Origin::config_file;
    case config::Source::environment:
        return rollout::Origin::environment;
    case config::Source::flag:
        return rollout::Origin::flag;
    }
    return rollout::Origin::built_in;
}

std::string where_of(const config::ResolvedSetting& setting) {
    return setting.source == config::Source::playbook ? "playbook " + setting.origin
                                                      : setting.origin;
}

// Reads one layer's value as T; `parse` turns the setting's value into T or an error message.
template <typename T, typename Parse>
tl::expected<rollout::Sourced<T>, RolloutSettingError> sourced(const config::ResolvedSetting& layer,
                                                               const Parse& parse) {
    auto value = parse(layer.value);
    if (!value) {
        return tl::unexpected(
            RolloutSettingError{layer.source, where_of(layer) + ": " + value.error()});
    }
    return rollout::Sourced<T>{std::move(*value), origin_of(layer.source), where_of(layer)};
}

template <typename T, typename Parse>
tl::expected<rollout::LimitInputs<T>, RolloutSettingError>
inputs_of(const config::SettingLayers& layers, const Parse& parse) {
    rollout::LimitInputs<T> inputs;
    // The baseline is the signed playbook's value, else the built-in default.
    auto baseline = sourced<T>(layers.playbook ? *layers.playbook : layers.built_in, parse);
    if (!baseline) {
        return tl::unexpected(baseline.error());
    }
    inputs.baseline = std::move(*baseline);
    const std::pair<const std::optional<config::ResolvedSetting>*,
                    std::optional<rollout::Sourced<T>>*>
        others[] = {{&layers.config_file, &inputs.config_file},
                    {&layers.environment, &inputs.environment},
                    {&layers.flag, &inputs.flag}};
    for (const auto& [layer, slot] : others) {
        if (*layer) {
            auto value = sourced<T>(**layer, parse);
            // Under a flag the config file's and environment's values are not judged: one that
            // cannot be parsed is left out (see rollout/limit_precedence.hpp).
            const bool overruled = layers.flag && layer != &layers.flag;
            if (!value && !overruled) {
                return tl::unexpected(value.error());
            }
            if (value) {
                *slot = std::move(*value);
            }
        }
    }
    return inputs;
}

tl::expected<std::int64_t, std::string> integer_of(const config::SettingValue& value) {
    return std::get<std::int64_t>(value);
}

tl::expected<std::uint64_t, std::string> canary_of(const config::SettingValue& value) {
    return rollout::parse_canary(std::to_string(std::get<std::int64_t>(value)))
        .map_error([](const rollout::InputError& error) { return error.message; });
}

tl::expected<rollout::WaveSchedule, std::string> waves_of(const config::SettingValue& value) {
    return rollout::parse_waves(std::get<std::string>(value))
        .map_error([](const rollout::InputError& error) { return error.message; });
}

tl::expected<rollout::FailureLimit, std::string> failures_of(const config::SettingValue& value) {
    return rollout::parse_max_failures(std::get<std::string>(value))
        .map_error([](const rollout::InputError& error) { return error.message; });
}

tl::expected<std::chrono::milliseconds, std::string> pause_of(const config::SettingValue& value) {
    return std::get<std::chrono::milliseconds>(value);
}

} // namespace

tl::expected<rollout::RolloutLimitInputs, RolloutSettingError>
rollout_limit_inputs(const LayersOf& layers_of) {
    rollout::RolloutLimitInputs inputs;
    auto parallel = inputs_of<std::int64_t>(layers_of("parallel"), integer_of);
    auto jump_parallel = inputs_of<std::int64_t>(layers_of("jump_parallel"), integer_of);
    auto rate = inputs_of<std::int64_t>(layers_of("rate"), integer_of);
    auto canary = inputs_of<std::uint64_t>(layers_of("canary"), canary_of);
    auto waves = inputs_of<rollout::WaveSchedule>(layers_of("waves"), waves_of);
    auto failures = inputs_of<rollout::FailureLimit>(layers_of("max_failures"), failures_of);
    auto pause = inputs_of<std::chrono::milliseconds>(layers_of("pause"), pause_of);
    for (const RolloutSettingError* error :
         {parallel ? nullptr : &parallel.error(), jump_parallel ? nullptr : &jump_parallel.error(),
          rate ? nullptr : &rate.error(), canary ? nullptr : &canary.error(),
          waves ? nullptr : &waves.error(), failures ? nullptr : &failures.error(),
          pause ? nullptr : &pause.error()}) {
        if (error != nullptr) {
            return tl::unexpected(*error);
        }
    }
    inputs.parallel = std::move(*parallel);
    inputs.jump_parallel = std::move(*jump_parallel);
    inputs.rate = std::move(*rate);
    inputs.canary = std::move(*canary);
    inputs.waves = std::move(*waves);
    inputs.max_failures = std::move(*failures);
    inputs.pause = std::move(*pause);
    return inputs;
}

rollout::Outcome budget_outcome(transport::NodeStatus status, transport::Reason reason,
                                bool succeeded) {
    using transport::NodeStatus;
    using transport::Reason;
    if (succeeded && status == NodeStatus::ok) {
        return rollout::Outcome::succeeded;
    }
    switch (status) {
    case NodeStatus::ok:
    case NodeStatus::failed:
        return rollout::Outcome::failed;
    case NodeStatus::timeout:
        return reason == Reason::deadline_not_started ? rollout::Outcome::cancelled
                                                      : rollout::Outcome::timeout;
    case NodeStatus::unreachable:
        return rollout::Outcome::unreachable;
    case NodeStatus::auth_failed:
        return rollout::Outcome::auth_failed;
    case NodeStatus::hostkey_unknown:
        return rollout::Outcome::hostkey_unknown;
    case NodeStatus::hostkey_changed:
        return rollout::Outcome::hostkey_changed;
    case NodeStatus::error:
        return reason == Reason::interrupted ? rollout::Outcome::cancelled
                                             : rollout::Outcome::error;
    case NodeStatus::skipped:
        return rollout::Outcome::cancelled;
    }
    return rollout::Outcome::error;
}

LoadBudget load_budget(const std::vector<transport::NodeTarget>& targets,
                       const transport::NodeJob& job, std::int64_t parallel, std::int64_t rate,
                       std::int64_t jump_parallel, std::uint64_t max_output) {
    LoadBudget load;
    load.sessions_in_flight =
        std::min<std::size_t>(std::size_t(std::max<std::int64_t>(1, parallel)), targets.size());
    load.connections_per_second = rate;
    load.channels_per_bastion = jump_parallel;
    load.output_kept_per_node = max_output;
    load.steps = job.steps.size();
    for (const transport::NodeTarget& target : targets) {
        std::uint64_t bytes = 0;
        for (const transport::JobStep& step : job.steps) {
            bytes += step.become ? transport::with_become(step.command, target.become).size()
                                 : step.command.size();
        }
        load.bytes_sent_per_node = std::max(load.bytes_sent_per_node, bytes);
    }
    return load;
}

std::string describe(const LoadBudget& load) {
    return "load: at most " + std::to_string(load.sessions_in_flight) + " sessions in flight, " +
           (load.connections_per_second <= 0
                ? std::string("new connections unlimited per second")
                : std::to_string(load.connections_per_second) + " new connections/s") +
           ", " + std::to_string(load.channels_per_bastion) + " channels per bastion; per node " +
           config::format_size(load.bytes_sent_per_node) +
           (load.bytes_sent_per_node < 1024 ? " bytes" : "") + " of commands sent in " +
           std::to_string(load.steps) + (load.steps == 1 ? " step" : " steps") + ", at most " +
           config::format_size(load.output_kept_per_node) + " of output kept per stream and step";
}

} // namespace breakglass::policy
