#pragma once

#include "cli/drill_exercise.hpp"
#include "drill/local_checks.hpp"
#include "drill/node_outcome.hpp"
#include "drill/prometheus.hpp"
#include "drill/slo.hpp"
#include "drill/summary.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace breakglass::cli {

/// Everything one drill found, as its outputs show it.
struct DrillReport {
    std::string cluster;
    std::uint64_t seed = 0;
    std::size_t selected = 0;
    std::vector<drill::NodeOutcome> nodes; // the sample, in selection order
    drill::TimingFigures timings;
    drill::InventoryCheck inventory;
    std::vector<drill::SignerCheck> signers;
    std::vector<drill::PlaybookCheck> playbooks;
    std::vector<drill::SloResult> slos;
    std::vector<std::string> warnings;
    std::chrono::system_clock::time_point finished;
    std::chrono::milliseconds elapsed{0};
    std::optional<ExerciseReport> exercise; // --exercise
};

/// True when every objective was met.
bool drill_passed(const DrillReport& report);

/// The report for a person, verdict first, then misses, warnings, nodes not ready, then the
/// numbers. Every node- or inventory-supplied text is escaped for the terminal.
void print_drill_human(const DrillReport& report, std::ostream& out);

/// One JSON document (schema_version 1; man page, DRILL OUTPUT), newline-terminated.
void print_drill_json(const DrillReport& report, std::ostream& out);

/// The report's figures for the Prometheus textfile.
drill::DrillMetrics drill_metrics(const DrillReport& report);

} // namespace breakglass::cli
