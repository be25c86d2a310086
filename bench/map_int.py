# Benchmark: dict with int keys and values — the Python twin of map_int.hako.
N = 6000000


def main():
    n = N
    m = {}
    keys = 100000
    i = 0
    while i < keys:
        m[i] = 0
        i = i + 1
    x = 12345
    i = 0
    while i < n:
        x = (x * 1103515245 + 12345) % 2147483648
        k = (x // 16) % keys
        m[k] = m[k] + 1
        i = i + 1
    total = 0
    i = 0
    while i < keys:
        total = total + m[i] * (i + 1)
        i = i + 1
    print(total)
    print(len(m))


main()
