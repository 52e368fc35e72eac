#include "transport/bastion.hpp"

#include "transport/node_session.hpp"

namespace breakglass::transport {

Bastion::Bastion() = default;
Bastion::~Bastion() = default;

} // namespace breakglass::transport
