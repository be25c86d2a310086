# Benchmark: list append then index — the Python twin of array.hako.
def main():
    a = []
    n = 1000000
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
