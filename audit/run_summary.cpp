#include "audit/run_summary.hpp"

#include "audit/record.hpp"

namespace breakglass::audit {

namespace {

std::string joined_words(const nlohmann::json& words) {
    std::string text;
    if (!words.is_array()) {
        return text;
    }
    for (const nlohmann::json& word : words) {
        if (word.is_string()) {
            text += (text.empty() ? "" : " ") + word.get<std::string>();
        }
    }
    return text;
}

void start_run(RunSummary& run, const nlohmann::json& record) {
    run.started = text_field(record, "ts");
    run.user = text_field(record, "user") + "@" + text_field(record, "host");
    run.command = joined_words(record.contains("argv") ? record["argv"] : nlohmann::json());
    if (record.contains("playbook") && record["playbook"].is_object()) {
        const nlohmann::json& playbook = record["playbook"];
        run.playbook = text_field(playbook, "name") + " v" +
                       std::to_string(count_field(playbook, "version").value_or(0));
    }
    if (record.contains("inventory")) {
        run.inventory_cluster = text_field(record["inventory"], "cluster");
    }
}

void add_node(RunSummary& run, const nlohmann::json& record) {
    NodeOutcome outcome{text_field(record, "node"), text_field(record, "status"),
                        text_field(record, "reason"), std::nullopt};
    if (record.contains("exit_code") && record["exit_code"].is_number_integer()) {
        outcome.exit_code = record["exit_code"].get<std::int64_t>();
    }
    ++run.counts[outcome.status];
    run.nodes.push_back(std::move(outcome));
}

} // namespace

std::vector<RunSummary> summarize_runs(const std::vector<nlohmann::json>& records) {
    std::vector<RunSummary> runs;
    std::map<std::string, std::size_t> index_of;
    for (const nlohmann::json& record : records) {
        const std::string type = text_field(record, "type");
        const std::string run_id = text_field(record, "run_id");
        if (run_id.empty() || (type != "run-start" && type != "wave-start" &&
                               type != "node-result" && type != "run-end")) {
            continue;
        }
        auto [found, added] = index_of.emplace(run_id, runs.size());
        if (added) {
            runs.push_back({});
            runs.back().run_id = run_id;
        }
        RunSummary& run = runs[found->second];
        if (type == "run-start") {
            start_run(run, record);
        } else if (type == "wave-start") {
            ++run.waves;
        } else if (type == "node-result") {
            add_node(run, record);
        } else {
            run.ended = text_field(record, "ts");
            run.end_reason = text_field(record, "end_reason");
        }
    }
    return runs;
}

nlohmann::json to_json(const RunSummary& run) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const NodeOutcome& node : run.nodes) {
        nlohmann::json entry{{"node", node.node}, {"status", node.status}};
        if (!node.reason.empty()) {
            entry["reason"] = node.reason;
        }
        if (node.exit_code) {
            entry["exit_code"] = *node.exit_code;
        }
        nodes.push_back(std::move(entry));
    }
    return {
        {"run_id", run.run_id},
        {"started", run.started},
        {"ended", run.ended.empty() ? nlohmann::json() : nlohmann::json(run.ended)},
        {"user", run.user},
        {"command", run.command},
        {"playbook", run.playbook.empty() ? nlohmann::json() : nlohmann::json(run.playbook)},
        {"cluster", run.inventory_cluster},
        {"waves", run.waves},
        {"counts", run.counts},
        {"end_reason", run.end_reason.empty() ? nlohmann::json() : nlohmann::json(run.end_reason)},
        {"nodes", std::move(nodes)}};
}

} // namespace breakglass::audit
