# Benchmark: the sieve of Eratosthenes over a list of bools — the Python twin
# of sieve.hako.
N = 10000000


def main():
    n = N
    flags = []
    i = 0
    while i < n:
        flags.append(True)
        i = i + 1
    flags[0] = False
    flags[1] = False
    p = 2
    while p * p < n:
        if flags[p]:
            j = p * p
            while j < n:
                flags[j] = False
                j = j + p
        p = p + 1
    count = 0
    total = 0
    i = 0
    while i < n:
        if flags[i]:
            count = count + 1
            total = total + i
        i = i + 1
    print(count)
    print(total)


main()
