// Benchmark: counting int64_t keys in a std::unordered_map — the C++ twin of
// map_count_int.hako. The has/get/set of the Hako program is written as a
// C++ programmer would: one find, then an update through the iterator or an
// insert.
#include <cstdint>
#include <cstdio>
#include <unordered_map>

static const int64_t N = 4000000;

int main() {
  const int64_t n = N;
  const int64_t keys = 500000;
  std::unordered_map<int64_t, int64_t> m;
  int64_t x = 12345;
  for (int64_t i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    int64_t k = (x / 16) % keys * 7919;
    auto it = m.find(k);
    if (it != m.end()) {
      it->second = it->second + 1;
    } else {
      m.emplace(k, 1);
    }
  }
  int64_t sum = 0;
  for (int64_t i = 0; i < keys; i++) {
    auto it = m.find(i * 7919);
    if (it != m.end()) sum = sum + it->second * (i + 1);
  }
  std::printf("%lld\n%lld\n", (long long)sum, (long long)m.size());
  return 0;
}
