#include "cli/app.hpp"
#include "cli/continue_file.hpp"

#include <functional>
#include <map>

#include <gtest/gtest.h>

using breakglass::cli::continue_command;

TEST(CliContinueFile, TheSelectionIsReplacedInEverySpelling) {
    EXPECT_EQ(continue_command({"breakglass", "daemonset", "freeze", "kube-system/agent", "-l",
                                "role=gpu", "-w", "node[1-9]", "-xnode3", "--limit=5",
                                "--nodes=a,b", "--selector", "zone=a", "--exclude", "c", "--yes"},
                               "/state/continue-1.nodes"),
              "breakglass daemonset freeze kube-system/agent --yes -w '^/state/continue-1.nodes'");
}

// Short options grouped as CLI11 reads them: -yw SET is -y, then -w SET. Keeping `-yw SET`
// would add the old set back to the file's nodes; keeping SET alone would make it a positional.
TEST(CliContinueFile, SelectionInsideAGroupOfShortOptionsIsDroppedWithItsValue) {
    EXPECT_EQ(continue_command({"breakglass", "daemonset", "freeze", "ns/a", "-yw", "node[1-100]",
                                "-vql", "role=gpu", "-ywnode1", "-i", "inv.json", "-p8", "-bx",
                                "n3", "--canary", "-1"},
                               "/s/f.nodes"),
              "breakglass daemonset freeze ns/a -y -v -q -y -i inv.json -p8 -b --canary -1 -w "
              "'^/s/f.nodes'");
}

TEST(CliContinueFile, TheFileGoesBeforeTheRemoteCommand) {
    // After `--` the words are the remote command's: a `-w` there is not ours.
    EXPECT_EQ(continue_command(
                  {"breakglass", "exec", "-w", "n1", "--yes", "--", "grep", "-w", "x y", "it's"},
                  "/s/f.nodes"),
              "breakglass exec --yes -w '^/s/f.nodes' -- grep -w 'x y' 'it'\\''s'");
}

TEST(CliContinueFile, WordsAShellWouldReadDifferentlyAreQuoted) {
    EXPECT_EQ(continue_command({"breakglass", "exec", "--", "echo $HOME; rm *"}, "/f"),
              "breakglass exec -w '^/f' -- 'echo $HOME; rm *'");
    EXPECT_EQ(continue_command({"breakglass", "exec", "--", ""}, "/f"),
              "breakglass exec -w '^/f' -- ''");
}

namespace {

// Every option of the app and of every subcommand below it.
void for_each_option(const CLI::App& app, const std::function<void(const CLI::Option&)>& visit) {
    for (const CLI::Option* option : app.get_options()) {
        visit(*option);
    }
    for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
        for_each_option(*command, visit);
    }
}

} // namespace

// continue_command reads short option groups with a table, since the app is gone when a run
// stops. A short flag added later without it would make the printed command swallow a word.
TEST(CliContinueFile, ItsShortFlagTableAgreesWithEveryOptionOfTheApp) {
    CLI::App app;
    breakglass::cli::Context context;
    breakglass::cli::add_everything(app, context);
    std::map<char, bool> takes_no_value; // by letter, over every subcommand
    std::size_t seen = 0;
    for_each_option(app, [&](const CLI::Option& option) {
        for (const std::string& name : option.get_snames()) {
            ASSERT_EQ(name.size(), 1U) << name;
            const bool flag = option.get_items_expected_max() == 0;
            const auto [known, inserted] = takes_no_value.emplace(name[0], flag);
            EXPECT_EQ(known->second, flag)
                << "-" << name << " is a flag in one command and takes a value in another";
            EXPECT_EQ(breakglass::cli::short_option_takes_no_value(name[0]), flag)
                << "-" << name << (flag ? " is a flag" : " takes a value");
            ++seen;
        }
    });
    // The walk reached the subcommands' own options, not only the global ones.
    EXPECT_TRUE(takes_no_value.contains('y'));
    EXPECT_TRUE(takes_no_value.contains('w'));
    EXPECT_GT(seen, 20U);
}
