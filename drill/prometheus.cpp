#include "drill/prometheus.hpp"

#include "base/atomic_file.hpp"
#include "base/terminal_escape.hpp"

#include <array>
#include <cstdio>

namespace breakglass::drill {

namespace {

std::string number(double value) {
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%.15g", value);
    return text.data();
}

double seconds(std::chrono::milliseconds value) {
    return double(value.count()) / 1000.0;
}

class Textfile {
public:
    explicit Textfile(const std::string& cluster_label)
        : m_cluster("cluster=\"" + escape_label_value(cluster_label) + "\"") {}

    void family(std::string_view name, std::string_view help, std::string_view type = "gauge") {
        m_text += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
        m_text += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
    }
    void sample(std::string_view name, double value, std::string_view extra_labels = {}) {
        m_text += std::string(name) + "{" + m_cluster;
        if (!extra_labels.empty()) {
            m_text += "," + std::string(extra_labels);
        }
        m_text += "} " + number(value) + "\n";
    }
    void gauge(std::string_view name, std::string_view help, double value) {
        family(name, help);
        sample(name, value);
    }
    void quantiles(std::string_view name, std::string_view help,
                   const std::optional<Percentiles>& values) {
        if (!values) {
            return;
        }
        family(name, help, "summary");
        sample(name, seconds(values->p50), "quantile=\"0.5\"");
        sample(name, seconds(values->p95), "quantile=\"0.95\"");
        sample(name, seconds(values->p99), "quantile=\"0.99\"");
        sample(std::string(name) + "_sum", seconds(values->sum));
        sample(std::string(name) + "_count", double(values->count));
    }
    std::string take() { return std::move(m_text); }

private:
    std::string m_cluster;
    std::string m_text;
};

double ratio(std::size_t part, std::size_t whole) {
    return whole == 0 ? 0.0 : double(part) / double(whole);
}

} // namespace

std::string escape_label_value(std::string_view value) {
    // Controls and invalid UTF-8 first become visible \xNN text (newlines stay, escaped below):
    // the file must be UTF-8 for node_exporter to read any of it.
    const std::string text = base::escape_terminal_text(value);
    std::string escaped;
    escaped.reserve(text.size());
    for (char c : text) {
        if (c == '\\') {
            escaped += "\\\\";
        } else if (c == '"') {
            escaped += "\\\"";
        } else if (c == '\n') {
            escaped += "\\n";
        } else {
            escaped += c;
        }
    }
    return escaped;
}

std::string render_textfile(const DrillMetrics& metrics) {
    Textfile out(metrics.cluster);
    const double finished = double(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       metrics.finished.time_since_epoch())
                                       .count()) /
                            1000.0;
    out.gauge("breakglass_drill_last_run_timestamp_seconds",
              "Unix time the last breakglass drill finished.", finished);
    out.gauge("breakglass_drill_duration_seconds", "How long the last drill took.",
              seconds(metrics.duration));
    out.gauge("breakglass_drill_success", "1 when the last drill met every objective, else 0.",
              all_met(metrics.slos) ? 1 : 0);
    out.family("breakglass_drill_slo_met", "1 when the last drill met this objective, else 0.");
    for (const SloResult& result : metrics.slos) {
        out.sample("breakglass_drill_slo_met", result.met ? 1 : 0,
                   "slo=\"" + escape_label_value(to_string(result.slo)) + "\"");
    }
    out.gauge("breakglass_drill_selected_nodes", "Nodes the last drill's selection matched.",
              double(metrics.selected));
    out.gauge("breakglass_drill_sampled_nodes", "Nodes the last drill reached out to.",
              double(metrics.sampled));
    out.gauge("breakglass_drill_reachable_ratio",
              "Share of the sampled nodes reached (connect, host key, auth, become).",
              ratio(metrics.reachable, metrics.sampled));
    out.gauge("breakglass_drill_ready_ratio",
              "Share of the sampled nodes whose containment path is ready.",
              ratio(metrics.ready, metrics.sampled));
    out.gauge("breakglass_drill_pinned_ratio",
              "Share of the inventory's nodes with a pinned host key.", metrics.pinned_ratio);
    out.gauge("breakglass_drill_inventory_age_seconds", "Age of the inventory the drill used.",
              double(metrics.inventory_age.count()));
    out.gauge("breakglass_drill_inventory_signed",
              "1 when the inventory's signature verified, else 0.",
              metrics.inventory_signed ? 1 : 0);
    out.quantiles("breakglass_drill_connect_seconds",
                  "TCP connect time over reached nodes (nearest-rank quantiles).", metrics.connect);
    out.quantiles("breakglass_drill_handshake_auth_seconds",
                  "Key exchange, host key check and authentication time over reached nodes "
                  "(nearest-rank quantiles).",
                  metrics.handshake_auth);
    out.quantiles("breakglass_drill_node_seconds",
                  "Whole-node time over reached nodes (nearest-rank quantiles).", metrics.node);
    if (metrics.playbook_validity) {
        out.gauge("breakglass_drill_playbook_validity_seconds",
                  "Shortest remaining validity of a playbook that verifies.",
                  double(metrics.playbook_validity->count()));
    }
    if (metrics.exercise_contain && metrics.exercise_restore) {
        out.gauge("breakglass_drill_exercise_contain_seconds",
                  "Time the exercise's freeze took on the sample (canary and waves included).",
                  seconds(*metrics.exercise_contain));
        out.gauge("breakglass_drill_exercise_restore_seconds",
                  "Time the exercise's thaw took on the sample.",
                  seconds(*metrics.exercise_restore));
    }
    return out.take();
}

tl::expected<void, std::string> write_textfile(const std::filesystem::path& path,
                                               std::string_view text) {
    auto written = base::replace_file_atomically(path, text, 0644);
    if (!written) {
        return tl::unexpected("cannot write " + path.string() + ": " + written.error());
    }
    return {};
}

} // namespace breakglass::drill
