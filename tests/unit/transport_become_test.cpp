#include "transport/become.hpp"

#include <gtest/gtest.h>

using namespace breakglass::transport;

TEST(Become, OnlyMethodNamesParse) {
    EXPECT_EQ(parse_become_method("sudo").value(), BecomeMethod::sudo);
    EXPECT_EQ(parse_become_method("none").value(), BecomeMethod::none);
    for (const char* text : {"", "sudo -n", "sudo -n touch /tmp/x;", "doas", "SUDO", " sudo",
                             "touch /tmp/pwned #", "/usr/bin/sudo"}) {
        auto parsed = parse_become_method(text);
        EXPECT_FALSE(parsed) << text;
        if (!parsed) {
            EXPECT_NE(parsed.error().find("sudo, none"), std::string::npos) << parsed.error();
        }
    }
}

TEST(Become, TheCommandLineLivesInTheCode) {
    EXPECT_EQ(with_become("id -u", BecomeMethod::sudo), "sudo -n sh -c 'id -u'");
    EXPECT_EQ(with_become("echo 'x'", BecomeMethod::sudo), "sudo -n sh -c 'echo '\\''x'\\'''");
    EXPECT_EQ(with_become("id -u", BecomeMethod::none), "id -u");
    EXPECT_EQ(to_string(BecomeMethod::sudo), "sudo");
    EXPECT_EQ(to_string(BecomeMethod::none), "none");
}
