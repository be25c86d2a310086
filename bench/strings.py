# Benchmark: string building — the Python twin of strings.hako.
def main():
    total = 0
    lines = 0
    line = ""
    i = 0
    while i < 300000:
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
