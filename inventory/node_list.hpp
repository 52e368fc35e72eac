#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace breakglass::inventory {

// A file of node names, as pdsh reads `-w ^FILE`: one name per line; blank lines and lines
// starting with '#' are ignored; leading and trailing blanks are trimmed. breakglass writes one
// when a run stops early (the nodes not yet done) and reads it back through -w/-x ^FILE.

/// The names of `text`, in order, duplicates kept out. A name a node set could not hold (see
/// node_name_problem) is an error naming its line: a file is data, never node-set syntax, so
/// `node[1-3]` in it is refused rather than expanded.
tl::expected<std::vector<std::string>, std::string> parse_node_list(std::string_view text);

/// The file's text: `comment` lines (each prefixed "# "), then one name per line.
std::string format_node_list(const std::vector<std::string>& names,
                             const std::vector<std::string>& comment);

} // namespace breakglass::inventory
