// The shipped playbooks' parameters fail closed: a number never reaches sh arithmetic with a
// leading zero (08 is a bad octal number there: the script aborts mid-action), and no
// parameter may be named after a variable that changes how the node's shell behaves.
#include "playbooks/bundle.hpp"
#include "playbooks/parameters.hpp"
#include "playbooks/playbook_format.hpp"
#include "playbooks/shell_words.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

namespace breakglass::playbooks {
namespace {

const std::filesystem::path k_source_dir = BREAKGLASS_SOURCE_DIR;

std::vector<Playbook> shipped_playbooks() {
    BundleStamp stamp;
    stamp.clusters = {"prod-east"};
    stamp.issued_at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 1};
    stamp.expires = stamp.issued_at + std::chrono::days{30};
    std::vector<Playbook> playbooks;
    for (const auto& entry :
         std::filesystem::directory_iterator(k_source_dir / "playbooks/shipped")) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        auto bundled = bundle_playbook(text.str(), k_source_dir / "playbooks/lib", stamp);
        EXPECT_TRUE(bundled) << entry.path();
        auto playbook = bundled ? parse_playbook(*bundled) : tl::unexpected(std::string("-"));
        EXPECT_TRUE(playbook) << entry.path();
        if (playbook) {
            playbooks.push_back(std::move(*playbook));
        }
    }
    return playbooks;
}

TEST(ShippedParameters, NumbersHaveNoLeadingZeros) {
    int numeric = 0;
    for (const Playbook& playbook : shipped_playbooks()) {
        for (const ParamSpec& param : playbook.params) {
            auto pattern = compile_pattern(param.pattern);
            ASSERT_TRUE(pattern) << param.pattern;
            if (!std::regex_match("30", *pattern) || std::regex_match("abc", *pattern)) {
                continue; // not a number (names may be all digits too)
            }
            ++numeric;
            const std::string where = playbook.name + " " + param.name;
            // Every shipped number's range holds these (lock_wait_seconds is 1 to 60).
            for (const char* value : {"7", "30", "59"}) {
                EXPECT_TRUE(std::regex_match(value, *pattern)) << where << " refuses " << value;
            }
            for (const char* value : {"08", "00", "030", "007200", "-1", "+1", "1e3", " 30", ""}) {
                EXPECT_FALSE(std::regex_match(value, *pattern)) << where << " accepts " << value;
            }
        }
    }
    EXPECT_GE(numeric, 4); // hold_seconds and grace_seconds of stop and remove
}

TEST(ShippedParameters, NamesAreNotShellVariables) {
    for (const Playbook& playbook : shipped_playbooks()) {
        for (const ParamSpec& param : playbook.params) {
            EXPECT_TRUE(is_parameter_name(param.name)) << playbook.name << " " << param.name;
        }
    }
}

TEST(ParameterNames, VariablesThatChangeHowTheShellRunsAreReserved) {
    for (const char* name : {"GLOBIGNORE",
                             "FPATH",
                             "TMOUT",
                             "EXECIGNORE",
                             "FUNCNEST",
                             "ENV",
                             "BASH_ENV",
                             "SHELLOPTS",
                             "BASHOPTS",
                             "PS4",
                             "IFS",
                             "CDPATH",
                             "HISTFILE",
                             "PROMPT_COMMAND",
                             "GCONV_PATH",
                             "GLIBC_TUNABLES",
                             "MALLOC_CHECK_",
                             "NLSPATH",
                             "XTABLES_LIBDIR",
                             "COMP_WORDBREAKS",
                             "READLINE_LINE",
                             "KSH_VERSION",
                             "LC_ALL",
                             "LD_PRELOAD",
                             "NULLCMD",
                             "REPLY",
                             "SRANDOM"}) {
        EXPECT_FALSE(is_parameter_name(name)) << name;
    }
    for (const char* name : {"path", "grace_seconds", "ds_name", "HISTOGRAM", "Kubelet", "x"}) {
        EXPECT_TRUE(is_parameter_name(name)) << name;
    }
}

// Whatever variables the node's shells define by themselves: bash's and dash's own list, read
// from the shells installed here, started with an empty environment.
TEST(ParameterNames, EveryVariableBashAndDashDefineIsReserved) {
    for (const char* command :
         {"env -i bash --norc --noprofile -c 'compgen -v'",
          "env -i dash -c set | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'"}) {
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command, "r"), pclose);
        ASSERT_TRUE(pipe) << command;
        std::array<char, 256> buffer{};
        int names = 0;
        while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) {
            std::string name(buffer.data());
            while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) {
                name.pop_back();
            }
            ++names;
            EXPECT_FALSE(is_parameter_name(name)) << name << " (from " << command << ")";
        }
        EXPECT_GE(names, 5) << command;
    }
}

} // namespace
} // namespace breakglass::playbooks
