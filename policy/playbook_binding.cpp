#include "policy/playbook_binding.hpp"

namespace breakglass::policy {

tl::expected<void, std::string> check_playbook_binding(const playbooks::Playbook& playbook,
                                                       std::string_view expected) {
    if (playbook.name == expected) {
        return {};
    }
    return tl::unexpected("its signed metadata.name is '" + playbook.name +
                          "', but this command runs only '" + std::string(expected) + "'");
}

} // namespace breakglass::policy
