#include "inventory/label_interner.hpp"

#include "inventory/label_syntax.hpp"

#include <algorithm>

namespace breakglass::inventory {

void LabelInterner::start_node() {
    m_previous_keys.resize(m_labels.size());
    for (std::size_t i = 0; i < m_labels.size(); ++i) {
        m_previous_keys[i] = m_labels[i].key;
    }
    m_labels.clear();
}

tl::expected<void, std::string> LabelInterner::add(std::string_view key, std::string_view value) {
    const std::size_t position = m_labels.size();
    std::uint32_t key_id = k_none;
    if (position < m_previous_keys.size() &&
        m_inventory.label_keys.view(m_previous_keys[position]) == key) {
        key_id = m_previous_keys[position];
    } else if (auto known = m_inventory.label_keys.find(key)) {
        key_id = *known;
    } else {
        if (auto problem = label_key_problem(key)) {
            return tl::unexpected(std::move(*problem));
        }
        key_id = m_inventory.label_keys.intern(key);
    }
    if (key_id >= m_last_value.size()) {
        m_last_value.resize(key_id + 1, k_none);
    }
    std::uint32_t value_id = m_last_value[key_id];
    if (value_id == k_none || m_inventory.label_values.view(value_id) != value) {
        if (auto known = m_inventory.label_values.find(value)) {
            value_id = *known;
        } else {
            if (auto problem = label_value_problem(value)) {
                return tl::unexpected("label '" + std::string(key) + "': " + *problem);
            }
            value_id = m_inventory.label_values.intern(value);
        }
        m_last_value[key_id] = value_id;
    }
    m_labels.push_back(Label{key_id, value_id});
    return {};
}

tl::expected<std::vector<Label>, std::string> LabelInterner::finish() {
    std::vector<Label> sorted = m_labels;
    std::sort(sorted.begin(), sorted.end(),
              [](const Label& a, const Label& b) { return a.key < b.key; });
    auto twice = std::adjacent_find(sorted.begin(), sorted.end(),
                                    [](const Label& a, const Label& b) { return a.key == b.key; });
    if (twice != sorted.end()) {
        return tl::unexpected("label '" + std::string(m_inventory.label_keys.view(twice->key)) +
                              "' appears twice");
    }
    return sorted;
}

} // namespace breakglass::inventory
