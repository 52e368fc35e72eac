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
