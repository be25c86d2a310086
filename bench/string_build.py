# Benchmark: building strings — the Python twin of string_build.hako.
ROUNDS = 40000


def main():
    rounds = ROUNDS
    total = 0
    found = 0
    r = 0
    while r < rounds:
        parts = []
        i = 0
        while i < 100:
            parts.append("" + str((r * 100 + i) * 7))
            i = i + 1
        line = ",".join(parts)
        total = total + len(line)
        at = line.find("," + str(r * 700 + 350) + ",")
        total = total + at
        if line.find("777") >= 0:
            found = found + 1
        s = ""
        j = 0
        while j < 20:
            s = s + str(j) + ";"
            j = j + 1
        total = total + len(s) + s.find("19;")
        r = r + 1
    print(total)
    print(found)


main()
