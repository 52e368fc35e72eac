#include "cli/commands.hpp"
#include "cli/setting_flags.hpp"
#include "cli/version_info.hpp"
#include "playbooks/crypto_version.hpp"
#include "transport/libssh_version.hpp"

#include <ostream>

#include <nlohmann/json.hpp>

namespace breakglass::cli {

void register_version(CLI::App& app, Context& context) {
    auto* command =
        app.add_subcommand("version", "print version, git revision, libssh and OpenSSL");
    auto format = std::make_shared<std::string>();
    add_output_flag(*command, *format, {"human", "json"});
    command->callback([&context, format] {
        if (*format == "json") {
            nlohmann::json document = {{"schema_version", 1},
                                       {"version", k_version},
                                       {"git_revision", k_git_revision},
                                       {"libssh", transport::libssh_version()},
                                       {"openssl", playbooks::crypto_version()}};
            *context.out << document.dump(2) << '\n';
            return;
        }
        *context.out << "breakglass " << k_version << " (" << k_git_revision << ")\n"
                     << "libssh " << transport::libssh_version() << '\n'
                     << playbooks::crypto_version() << '\n';
    });
}

} // namespace breakglass::cli
