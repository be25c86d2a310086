# Benchmark: method calls on objects — the Python twin of methods.hako.
N = 20000000


class Counter:
    def __init__(self):
        self.n = 0

    def add(self, k):
        self.n = self.n + k

    def get(self):
        return self.n


def main():
    n = N
    c = Counter()
    check = 0
    i = 0
    while i < n:
        c.add(i % 7)
        check = check + c.get() % 3
        i = i + 1
    print(c.get())
    print(check)


main()
