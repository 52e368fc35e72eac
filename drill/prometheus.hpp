#pragma once

#include "drill/percentiles.hpp"
#include "drill/slo.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::drill {

// The drill's metrics in node_exporter's textfile format (Prometheus text exposition 0.0.4):
// a `# HELP` and a `# TYPE` line per family (gauges, and summaries for the phase times), names
// breakglass_drill_*, base units in the name (_seconds, _ratio), every sample labelled
// cluster="...". Families:
//   breakglass_drill_last_run_timestamp_seconds      when the drill finished (Unix time)
//   breakglass_drill_duration_seconds                how long it took
//   breakglass_drill_success                         1 when every objective was met
//   breakglass_drill_slo_met{slo}                    1/0 per objective (to_string(Slo))
//   breakglass_drill_selected_nodes, _sampled_nodes  nodes selected, nodes drilled
//   breakglass_drill_reachable_ratio, _ready_ratio   shares of the sample
//   breakglass_drill_pinned_ratio                    share of the inventory with pinned keys
//   breakglass_drill_inventory_age_seconds
//   breakglass_drill_inventory_signed                1 when its signature verified
//   breakglass_drill_connect_seconds{quantile}       summaries over reached nodes: nearest-rank
//   breakglass_drill_handshake_auth_seconds{quantile} p50/p95/p99, with _sum and _count
//   breakglass_drill_node_seconds{quantile}          whole-node time
//   breakglass_drill_playbook_validity_seconds       shortest remaining validity of a
//                                                    playbook that verifies (absent if none)
//   breakglass_drill_exercise_contain_seconds,       --exercise only: the freeze run and the
//   breakglass_drill_exercise_restore_seconds        thaw run, first connection to last node

/// What the textfile reports.
struct DrillMetrics {
    std::string cluster;
    std::chrono::system_clock::time_point finished;
    std::chrono::milliseconds duration{0};
    std::size_t selected = 0;
    std::size_t sampled = 0;
    std::size_t reachable = 0;
    std::size_t ready = 0;
    double pinned_ratio = 0;
    std::chrono::seconds inventory_age{0};
    bool inventory_signed = false;
    std::optional<Percentiles> connect;
    std::optional<Percentiles> handshake_auth;
    std::optional<Percentiles> node;
    std::optional<std::chrono::seconds> playbook_validity;
    std::vector<SloResult> slos;
    std::optional<std::chrono::milliseconds> exercise_contain; // --exercise: the freeze run
    std::optional<std::chrono::milliseconds> exercise_restore; // and the thaw run
};

/// A label value in the exposition format: backslash, double quote and newline escaped, after
/// base::escape_terminal_text has made controls (but newline and tab) and bytes that are not
/// UTF-8 visible as \xNN text, so the file stays UTF-8 and one sample a line whatever the
/// value (a loaded inventory's cluster name already has neither).
std::string escape_label_value(std::string_view value);

/// The whole textfile, families in the order above, ending with a newline.
std::string render_textfile(const DrillMetrics& metrics);

/// Writes `text` to `path` atomically (base::replace_file_atomically, mode 0644 for a new
/// file), so node_exporter never reads half a file. The error names the path and the reason.
tl::expected<void, std::string> write_textfile(const std::filesystem::path& path,
                                               std::string_view text);

} // namespace breakglass::drill
