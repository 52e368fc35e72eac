#include "cli/app.hpp"

int main(int argc, char** argv) {
    return breakglass::cli::run(argc, argv);
}
