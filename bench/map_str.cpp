// Benchmark: std::unordered_map with std::string keys and int64_t values —
// the C++ twin of map_str.hako: 100k keys "k0" .. "k99999" set to 0, then 3M
// updates (the key text built from an integer, a get and a set, as the Hako
// program does) at pseudo-random keys, then a checksum.
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>

static const int64_t N = 3000000;

int main() {
  const int64_t n = N;
  std::unordered_map<std::string, int64_t> m;
  const int64_t keys = 100000;
  for (int64_t i = 0; i < keys; i++) m["k" + std::to_string(i)] = 0;
  int64_t x = 12345;
  for (int64_t i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    std::string key = "k" + std::to_string((x / 16) % keys);
    m[key] = m[key] + 1;
  }
  int64_t sum = 0;
  for (int64_t i = 0; i < keys; i++) sum = sum + m["k" + std::to_string(i)] * (i + 1);
  std::printf("%lld\n%lld\n", (long long)sum, (long long)m.size());
  return 0;
}
