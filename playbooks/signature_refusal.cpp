#include "playbooks/signature_refusal.hpp"

namespace breakglass::playbooks {

std::string_view to_string(RefusalKind kind) {
    switch (kind) {
    case RefusalKind::malformed:
        return "malformed";
    case RefusalKind::bad_signature:
        return "bad_signature";
    case RefusalKind::unknown_signer:
        return "unknown_signer";
    case RefusalKind::namespace_:
        return "namespace";
    case RefusalKind::not_yet_valid:
        return "not_yet_valid";
    case RefusalKind::expired_key:
        return "expired_key";
    case RefusalKind::unsupported:
        return "unsupported";
    }
    return "unknown";
}

} // namespace breakglass::playbooks
