#include "containment/runtime_settings.hpp"

#include <gtest/gtest.h>

namespace breakglass::containment {
namespace {

TEST(RuntimeSettings, ASocketIsEmptyOrASafeAbsolutePath) {
    for (const char* good : {"", "/run/containerd/containerd.sock",
                             "/run/k3s/containerd/containerd.sock", "/var/run/cri_x-1.sock"}) {
        EXPECT_TRUE(check_runtime_socket(good)) << good;
    }
    for (const char* bad :
         {"run/containerd.sock", "/run/../tmp/x.sock", "/run/./x", "/run//x", "/run/x/",
          "/run/a b.sock", "/run/x.sock;reboot", "/run/$(id).sock", "/run/x\n.sock", "/"}) {
        auto checked = check_runtime_socket(bad);
        ASSERT_FALSE(checked) << bad;
        EXPECT_EQ(checked.error().rfind("runtime_socket '", 0), 0U);
    }
    EXPECT_FALSE(check_runtime_socket("/" + std::string(200, 'a')));
}

TEST(RuntimeSettings, AKubeletUnitIsASystemdNameWeAccept) {
    for (const char* good : {"kubelet", "k3s-agent", "rke2-agent", "kubelet.service", "a@b_c"}) {
        EXPECT_TRUE(check_kubelet_unit(good)) << good;
    }
    for (const char* bad : {"", "-kubelet", ".x", "k3s agent", "kubelet;reboot", "a/b", "$(id)"}) {
        EXPECT_FALSE(check_kubelet_unit(bad)) << bad;
    }
}

TEST(RuntimeSettings, OnlyValuesOtherThanTheDefaultsBecomeParameters) {
    EXPECT_TRUE(runtime_params("", "kubelet", true).empty());
    EXPECT_EQ(runtime_params("/run/k3s/containerd/containerd.sock", "k3s-agent", true),
              (std::vector<std::string>{"runtime_socket=/run/k3s/containerd/containerd.sock",
                                        "kubelet_unit=k3s-agent"}));
    EXPECT_TRUE(runtime_params("", "k3s-agent", false).empty());
}

} // namespace
} // namespace breakglass::containment
