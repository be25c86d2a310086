// Benchmark: counting std::string keys in a std::unordered_map — the C++
// twin of map_count_str.hako. The key is built with "w" + std::to_string(..)
// for every count, as Hako builds "w" + n; the has/get/set of the Hako
// program is written as a C++ programmer would: one find, then an update
// through the iterator or an insert.
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>

static const int64_t N = 2000000;

int main() {
  const int64_t n = N;
  const int64_t keys = 200000;
  std::unordered_map<std::string, int64_t> m;
  int64_t x = 12345;
  for (int64_t i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    std::string k = "w" + std::to_string((x / 16) % keys);
    auto it = m.find(k);
    if (it != m.end()) {
      it->second = it->second + 1;
    } else {
      m.emplace(std::move(k), 1);
    }
  }
  int64_t sum = 0;
  for (int64_t i = 0; i < keys; i++) {
    auto it = m.find("w" + std::to_string(i));
    if (it != m.end()) sum = sum + it->second * (i + 1);
  }
  std::printf("%lld\n%lld\n", (long long)sum, (long long)m.size());
  return 0;
}
