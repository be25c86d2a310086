# Benchmark: list append then index — the Python twin of array.hako.
N = 8000000


def main():
    n = N
    a = []
    i = 0
    while i < n:
        a.append(i * 2)
        i = i + 1
    total = 0
    i = 0
    while i < len(a):
        total = total + a[i]
        i = i + 1
    print(total)


main()
