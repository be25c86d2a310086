# Benchmark: nested integer loops — the Python twin of loops.hako.
N = 10000


def main():
    n = N
    total = 0
    i = 0
    while i < n:
        j = 0
        while j < n:
            total = total + ((i * j) & 255)
            j = j + 1
        i = i + 1
    print(total)


main()
