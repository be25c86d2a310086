#!/usr/bin/env python3
"""Runtime guards on both backends (docs/guards.md).

Every tests/guard/*.mir is rc-explicit MIR text that hands a dangling
handle to a guarded runtime entry point, with its expectations in comments:

  ; expect-error: LINE          first stderr line under HAKO_FAILFAST=1
  ; expect-warning: LINE        the one warning line under HAKO_FAILFAST=0
  ; expect-stdout-warned: A|B   stdout under HAKO_FAILFAST=0, lines split at |

(0xADDR stands for the address, which differs from run to run.) Each file
runs on the VM (`hakoc run-mir --leak-check`) and as native -O0 and -O2
executables (`hakoc build`, REML_LEAK_CHECK=1), always in debug mode, where
the freed object stays readable: a run without guards would be a use after
free, so there is none. With HAKO_FFI_GUARD=1 HAKO_FFI_GUARD_RATE_LG=0:

  - HAKO_FAILFAST=1 (and unset): exit status 1, nothing on stdout, the
    expected error as the first stderr line;
  - HAKO_FAILFAST=0: exit status 0, the expected stdout, and on stderr the
    warning once followed by the clean leak report;

and the three backends agree on all of it byte for byte, addresses aside.

Usage: guard_test.py --hakoc PATH --runtime-path LIB.a
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ADDR = re.compile(rb"0x[0-9a-f]+")
TIMEOUT = 60
LEAK_CLEAN = "leak-check: 0 objects live at exit"


def expectations(path):
    want = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r";\s*expect-(error|warning|stdout-warned):\s?(.*)$", line.rstrip("\n"))
            if m:
                want[m.group(1)] = m.group(2)
    return want


def run(cmd, env_extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("HAKO_FFI_GUARD", "HAKO_FFI_GUARD_RATE_LG", "HAKO_FAILFAST", "REML_LEAK_CHECK")}
    env.update(env_extra)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=TIMEOUT)
    return p.returncode, p.stdout, ADDR.sub(b"0xADDR", p.stderr).decode("utf-8", "replace")


NOGUARD_PROGRAM = """static box Main {
    main() {
        local m = new MapBox()
        m.set(1, 41)
        m.set(1, m.get(1) + 1)
        print(m.get(1))
        return 0
    }
}
"""
NOGUARD_WARNING = "HAKO_FFI_GUARD=1 ignored: this runtime was built without guard code"


def noguard_runtime_check(opts, tmp):
    """-O2 code inlines the Int-key MapBox entry points, guard test included,
    from bitcode built with guards: the executable must still link against a
    runtime built without guard code, run, and warn that HAKO_FFI_GUARD=1 is
    ignored."""
    src = os.path.join(tmp, "noguard.hako")
    exe = os.path.join(tmp, "noguard")
    with open(src, "w") as f:
        f.write(NOGUARD_PROGRAM)
    b = subprocess.run([opts.hakoc, "build", "-O2", src, "-o", exe, "--runtime-path", opts.noguard_runtime_path],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT * 2)
    if b.returncode != 0:
        return ["noguard runtime: hakoc build -O2 failed: %s" % b.stderr.decode()[:300]]
    rc, out, err = run([exe], {"HAKO_FFI_GUARD": "1", "HAKO_FFI_GUARD_RATE_LG": "0"})
    if (rc, out, NOGUARD_WARNING in err) != (0, b"42\n", True):
        return ["noguard runtime: got exit %s, stdout %r, stderr %r; want exit 0, 42 and the warning %r"
                % (rc, out, err, NOGUARD_WARNING)]
    return []


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--runtime-path", required=True)
    ap.add_argument("--noguard-runtime-path", default=None,
                    help="a runtime built without guard code: -O2 programs with inlined Int-key map calls "
                         "must link and run against it too")
    opts = ap.parse_args(argv)
    files = sorted(f for f in os.listdir(HERE) if f.endswith(".mir"))
    failures = []
    checks = 0
    with tempfile.TemporaryDirectory(prefix="hako-guard-") as tmp:
        for name in files:
            path = os.path.join(HERE, name)
            want = expectations(path)
            if set(want) != {"error", "warning", "stdout-warned"}:
                failures.append("%s: needs expect-error, expect-warning and expect-stdout-warned" % name)
                continue
            backends = {"vm": ([opts.hakoc, "run-mir", "--leak-check", path], {})}
            for level in ("O0", "O2"):
                exe = os.path.join(tmp, "%s-%s" % (name, level))
                b = subprocess.run([opts.hakoc, "build", "-" + level, path, "-o", exe, "--runtime-path",
                                    opts.runtime_path], stdin=subprocess.DEVNULL, capture_output=True,
                                   timeout=TIMEOUT * 2)
                if b.returncode != 0:
                    failures.append("%s: hakoc build -%s failed: %s" % (name, level, b.stderr.decode()[:300]))
                    continue
                backends["native-" + level] = ([exe], {"REML_LEAK_CHECK": "1"})
            for failfast in ("1", None, "0"):
                seen = {}
                for backend, (cmd, env) in backends.items():
                    settings = dict(env, HAKO_FFI_GUARD="1", HAKO_FFI_GUARD_RATE_LG="0")
                    if failfast is not None:
                        settings["HAKO_FAILFAST"] = failfast
                    rc, out, err = run(cmd, settings)
                    checks += 1
                    label = "%s %s HAKO_FAILFAST=%s" % (name, backend, failfast if failfast else "(unset)")
                    lines = err.split("\n")
                    if failfast == "0":
                        want_out = "".join(l + "\n" for l in want["stdout-warned"].split("|"))
                        want_err = want["warning"] + "\n" + LEAK_CLEAN + "\n"
                        if (rc, out.decode(), err) != (0, want_out, want_err):
                            failures.append("%s: got exit %s, stdout %r, stderr %r; want exit 0, stdout %r, "
                                            "stderr %r" % (label, rc, out, err, want_out, want_err))
                    elif rc != 1 or out != b"" or lines[0] != want["error"]:
                        failures.append("%s: got exit %s, stdout %r, first stderr line %r; want exit 1, no "
                                        "stdout, %r" % (label, rc, out, lines[0], want["error"]))
                    # The debug-mode note line names the process and the time.
                    seen[backend] = (rc, out, [l for l in lines if not l.startswith("note: process ")])
                if len(set(map(repr, seen.values()))) > 1:
                    failures.append("%s HAKO_FAILFAST=%s: the backends differ: %r" % (name, failfast, seen))
        if opts.noguard_runtime_path:
            checks += 1
            failures += noguard_runtime_check(opts, tmp)
    for f in failures:
        print("FAIL " + f)
    print("%d files, %d runs, %d failures" % (len(files), checks, len(failures)))
    return 1 if failures or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
