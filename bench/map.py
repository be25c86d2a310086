# Benchmark: dict set and get with int and str keys — the Python twin of map.hako.
N = 250000


def main():
    n = N
    m = {}
    i = 0
    while i < n:
        m[i] = i
        m["k" + str(i)] = i * 3
        i = i + 1
    total = 0
    i = 0
    while i < n:
        total = total + m.get(i) + m.get("k" + str(i))
        i = i + 1
    print(total)
    print(len(m))


main()
