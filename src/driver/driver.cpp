#include "driver/driver.h"

#include <cstdio>

namespace hako::driver {

int main(int, char**) {
  std::fprintf(stderr, "hakoc: not built yet\n");
  return 1;
}

}  // namespace hako::driver
