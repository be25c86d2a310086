# Benchmark: string building — the Python twin of strings.hako.
N = 1000000


def main():
    n = N
    total = 0
    lines = 0
    line = ""
    i = 0
    while i < n:
        s = "item-" + str(i)
        t = s + ":" + str(len(s))
        total = total + len(t)
        line = line + "x"
        if len(line) >= 100:
            lines = lines + 1
            line = ""
        i = i + 1
    print(total)
    print(lines)


main()
