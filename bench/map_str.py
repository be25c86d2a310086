# Benchmark: dict with str keys and int values — the Python twin of map_str.hako.
N = 3000000


def main():
    n = N
    m = {}
    keys = 100000
    i = 0
    while i < keys:
        m["k" + str(i)] = 0
        i = i + 1
    x = 12345
    i = 0
    while i < n:
        x = (x * 1103515245 + 12345) % 2147483648
        key = "k" + str((x // 16) % keys)
        m[key] = m[key] + 1
        i = i + 1
    total = 0
    i = 0
    while i < keys:
        total = total + m["k" + str(i)] * (i + 1)
        i = i + 1
    print(total)
    print(len(m))


main()
