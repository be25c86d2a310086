#!/usr/bin/env python3
"""hakoc's region and ownership switches, end to end: NYASH_REGION_TRACE and
its filter, `emit-mir --emit=regions`, `--leak-check`, and MIR text with
explicit reference counts running again through run-mir."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

PROGRAM = """box Cell {
    value
    birth(v) { me.value = v }
}
static box Main {
    twice(s) { return s + s }
    main() {
        local words = new ArrayBox()
        local i = 0
        loop(i < 3) {
            local w = Main.twice("w" + i)
            if i > 0 { words.push(new Cell(w)) }
            i = i + 1
        }
        print(words.length())
        return 0
    }
}
"""
TRACE_LINE = re.compile(r"^\[region/observe\] fn=(\S+) id=RegionId\((\d+)\) kind=(Function|Loop|If|Block) "
                        r"entry=bb(\d+) exits=\[((?:bb\d+(?:, bb\d+)*)?)\] slots=\[(.*)\]$")


def run(cmd, env=None):
    full = dict(os.environ)
    for k in ("NYASH_REGION_TRACE", "NYASH_REGION_TRACE_FILTER", "REML_LEAK_CHECK"):
        full.pop(k, None)
    full.update(env or {})
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full,
                       timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hakoc", required=True)
    hakoc = ap.parse_args(argv).hakoc
    failures = []

    def check(name, ok, detail=""):
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
        if not ok:
            failures.append(name)

    with tempfile.TemporaryDirectory(prefix="hako-regions-") as tmp:
        src = os.path.join(tmp, "prog.hako")
        with open(src, "w") as f:
            f.write(PROGRAM)

        rc, out, err = run([hakoc, "run", src])
        check("plain run is silent on stderr", rc == 0 and out == "2\n" and err == "", repr((rc, out, err)))

        rc, out, err = run([hakoc, "run", src], {"NYASH_REGION_TRACE": "1"})
        lines = err.splitlines()
        parsed = [TRACE_LINE.match(l) for l in lines]
        check("trace: same stdout and status", rc == 0 and out == "2\n", repr((rc, out)))
        check("trace: every stderr line is a region line", lines and all(parsed), err[:400])
        kinds = {(m.group(1), m.group(3)) for m in parsed if m}
        check("trace: every function has a Function region",
              {f for f, k in kinds if k == "Function"} == {"Cell.birth/1", "Main.twice/1", "Main.main/0"},
              repr(sorted(kinds)))
        check("trace: main has its loop, if and blocks",
              {("Main.main/0", k) for k in ("Loop", "If", "Block")} <= kinds, repr(sorted(kinds)))
        main_fn = [m for m in parsed if m and m.group(1) == "Main.main/0" and m.group(3) == "Function"]
        check("trace: slot kinds of main", main_fn and "words:StrongRoot" in main_fn[0].group(6) and
              "i:NonRef" in main_fn[0].group(6), main_fn[0].group(6) if main_fn else "none")
        twice = [m for m in parsed if m and m.group(1) == "Main.twice/1"]
        check("trace: a String parameter is Borrowed", twice and "s:Borrowed" in twice[0].group(6),
              twice[0].group(6) if twice else "none")

        rc, out, err = run([hakoc, "run", src], {"NYASH_REGION_TRACE": "1", "NYASH_REGION_TRACE_FILTER": "twice"})
        fns = {TRACE_LINE.match(l).group(1) for l in err.splitlines() if TRACE_LINE.match(l)}
        check("trace filter keeps matching functions only", rc == 0 and fns == {"Main.twice/1"} and
              len(err.splitlines()) == len([l for l in err.splitlines() if TRACE_LINE.match(l)]), err[:400])

        rc, out, err = run([hakoc, "run", src], {"NYASH_REGION_TRACE": "1", "NYASH_REGION_TRACE_FILTER": "nothing"})
        check("trace filter matching nothing prints nothing", rc == 0 and err == "", err[:200])

        rc, out, err = run([hakoc, "emit-mir", "--emit=regions", src])
        try:
            doc = json.loads(out)
            regions = {r["function"]: r for r in doc["regions"]}
            ok = rc == 0 and "functions" in doc and set(regions) == {"Cell.birth/1", "Main.twice/1", "Main.main/0"}
            main_regions = regions["Main.main/0"]["regions"]
            ok = ok and main_regions[0]["kind"] == "Function" and main_regions[0]["parent"] is None
            ok = ok and all(r["parent"] is not None for r in main_regions[1:])
            ok = ok and {s["name"]: s["ref_kind"] for s in regions["Main.main/0"]["slots"]}["words"] == "StrongRoot"
            check("emit-mir --emit=regions: MIR JSON with regions", ok, out[:300])
        except (ValueError, KeyError, IndexError, TypeError) as e:
            check("emit-mir --emit=regions: MIR JSON with regions", False, "%s: %s" % (e, out[:300]))

        mir = os.path.join(tmp, "prog.mir")
        rc, out, err = run([hakoc, "emit-mir", src, "-o", mir])
        text = open(mir).read() if rc == 0 else ""
        check("emit-mir: explicit counts, no keep", "rc explicit\n" in text and " release " in text and
              " keep " not in text, text[:300])
        rc, out, err = run([hakoc, "run-mir", "--leak-check", mir])
        check("run-mir of explicit counts is leak-free", rc == 0 and out == "2\n" and
              err == "leak-check: 0 objects live at exit\n", repr((rc, out, err)))
        rc, out, err = run([hakoc, "run", "--leak-check", src])
        check("run --leak-check: the report", rc == 0 and err == "leak-check: 0 objects live at exit\n", err)
        rc, out, err = run([hakoc, "run", src], {"REML_LEAK_CHECK": "1"})
        check("REML_LEAK_CHECK=1 turns the report on for the VM too",
              rc == 0 and err == "leak-check: 0 objects live at exit\n", err)

    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
