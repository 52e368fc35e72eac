#include "transport/node_result.hpp"

namespace breakglass::transport {

std::string_view to_string(NodeStatus status) {
    switch (status) {
    case NodeStatus::ok:
        return "ok";
    case NodeStatus::failed:
        return "failed";
    case NodeStatus::timeout:
        return "timeout";
    case NodeStatus::unreachable:
        return "unreachable";
    case NodeStatus::auth_failed:
        return "auth-failed";
    case NodeStatus::hostkey_unknown:
        return "hostkey-unknown";
    case NodeStatus::hostkey_changed:
        return "hostkey-changed";
    case NodeStatus::error:
        return "error";
    }
    return "error";
}

} // namespace breakglass::transport
