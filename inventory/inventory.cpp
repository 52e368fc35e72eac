#include "inventory/inventory.hpp"

#include <algorithm>

namespace breakglass::inventory {

namespace {

template <typename Labels> auto key_lower_bound(Labels& labels, std::uint32_t key_id) {
    return std::lower_bound(labels.begin(), labels.end(), key_id,
                            [](const Label& label, std::uint32_t key) { return label.key < key; });
}

} // namespace

std::optional<std::uint32_t> find_label(const Node& node, std::uint32_t key_id) {
    auto found = key_lower_bound(node.labels, key_id);
    if (found == node.labels.end() || found->key != key_id) {
        return std::nullopt;
    }
    return found->value;
}

void Inventory::set_label(Node& node, std::string_view key, std::string_view value) {
    const std::uint32_t key_id = label_keys.intern(key);
    const std::uint32_t value_id = label_values.intern(value);
    auto at = key_lower_bound(node.labels, key_id);
    if (at != node.labels.end() && at->key == key_id) {
        at->value = value_id;
        return;
    }
    node.labels.insert(at, Label{key_id, value_id});
}

std::optional<std::string_view> Inventory::label(const Node& node, std::string_view key) const {
    auto key_id = label_keys.find(key);
    if (!key_id) {
        return std::nullopt;
    }
    auto value_id = find_label(node, *key_id);
    if (!value_id) {
        return std::nullopt;
    }
    return label_values.view(*value_id);
}

std::vector<std::pair<std::string_view, std::string_view>>
Inventory::labels_by_key(const Node& node) const {
    std::vector<std::pair<std::string_view, std::string_view>> texts;
    texts.reserve(node.labels.size());
    for (const Label& label : node.labels) {
        texts.emplace_back(label_keys.view(label.key), label_values.view(label.value));
    }
    std::sort(texts.begin(), texts.end());
    return texts;
}

} // namespace breakglass::inventory
