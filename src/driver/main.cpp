// hakoc entry point: everything lives in src/driver/driver.h.
#include "driver/driver.h"

int main(int argc, char** argv) { return hako::driver::main(argc, argv); }
