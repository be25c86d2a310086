// Benchmark: std::unordered_map with int64_t keys and values — the C++ twin
// of map_int.hako: 100k keys set to 0, then 6M updates (a get and a set each,
// as the Hako program does) at pseudo-random keys, then a checksum.
#include <cstdint>
#include <cstdio>
#include <unordered_map>

static const int64_t N = 6000000;

int main() {
  const int64_t n = N;
  std::unordered_map<int64_t, int64_t> m;
  const int64_t keys = 100000;
  for (int64_t i = 0; i < keys; i++) m[i] = 0;
  int64_t x = 12345;
  for (int64_t i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    int64_t k = (x / 16) % keys;
    m[k] = m[k] + 1;
  }
  int64_t sum = 0;
  for (int64_t i = 0; i < keys; i++) sum = sum + m[i] * (i + 1);
  std::printf("%lld\n%lld\n", (long long)sum, (long long)m.size());
  return 0;
}
