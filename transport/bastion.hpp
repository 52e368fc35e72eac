#pragma once

#include "transport/jump_host.hpp"

#include <memory>
#include <string>

namespace breakglass::transport {

class NodeSession;

/// One authenticated connection to a bastion, shared by every node session tunnelled through
/// it (one connection per bastion, not one per node as `ssh -J` makes). Owned by the fan-out;
/// node sessions point at it while they hold a channel on it.
struct Bastion {
    Bastion();
    ~Bastion(); // defined where NodeSession is complete
    Bastion(const Bastion&) = delete;
    Bastion& operator=(const Bastion&) = delete;

    JumpHost host;
    std::string chain;         // "hop1,hop2": the key it is shared under
    Bastion* parent = nullptr; // the previous hop of a chain
    std::unique_ptr<NodeSession> session;
    int generation = 0;      // bumped when the connection is re-established
    int reconnects_left = 1; // a dropped bastion is re-established once
    bool was_up = false;     // authenticated at least once (so a drop is worth a retry)
    bool failed = false;     // for good: every node behind it ends jump-failed
    std::string failure;
    int channels = 0;       // channels in flight (opening or open)
    int channel_limit = 64; // --jump-parallel
};

} // namespace breakglass::transport
