#include "cli/continue_file.hpp"

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
