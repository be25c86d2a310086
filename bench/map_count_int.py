# Benchmark: counting sparse int keys in a dict — the Python twin of map_count_int.hako.
N = 4000000


def main():
    n = N
    keys = 500000
    m = {}
    x = 12345
    i = 0
    while i < n:
        x = (x * 1103515245 + 12345) % 2147483648
        k = (x // 16) % keys * 7919
        if k in m:
            m[k] = m[k] + 1
        else:
            m[k] = 1
        i = i + 1
    total = 0
    i = 0
    while i < keys:
        k = i * 7919
        if k in m:
            total = total + m[k] * (i + 1)
        i = i + 1
    print(total)
    print(len(m))


main()
