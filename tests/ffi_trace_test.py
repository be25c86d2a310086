#!/usr/bin/env python3
"""HAKO_FFI_TRACE=1: the resolution trace of built-in method calls.

With HAKO_FFI_TRACE=1 in the environment, hakoc prints on stderr, at compile
time, one line `[ffi/resolve] <Receiver>.<method>(<ArgKinds>) -> <c_symbol>`
per call site of a built-in method resolved to a C function, in source
order, for `run`, `build` and `emit-mir` alike; without it nothing. Rows run
as instructions (String.concat, toString(), ...) and calls on values of
unknown kind print nothing. Python 3 stdlib only.

Usage: ffi_trace_test.py --hakoc PATH [--runtime-path LIB]
Ends with the line `N passed, M failed`; exit status 1 when a case failed.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

TIMEOUT = 60.0

PROGRAM = """static box Main {
    main() {
        local m = new MapBox()
        m.set(1, 2)
        local items = [1, "k"]
        local h = items.get(1)
        m.set(h, h)
        m.set(3, "three")
        m.set("four", 4)
        print(m.get(1))
        print(m.get(h))
        local s = "abc"
        print(s.concat("d"))
        print(s.substring(1))
        h.length()
        return 0
    }
}
"""

# The expected trace, in source order.
TRACE = [
    "[ffi/resolve] MapBox.set(Int,Int) -> nyash_map_set_h",
    "[ffi/resolve] ArrayBox.get(Int) -> reml_array_get",
    "[ffi/resolve] MapBox.set(Handle,Handle) -> nyash_map_set_hh",
    "[ffi/resolve] MapBox.set(Int,String) -> nyash_map_set_ha",
    "[ffi/resolve] MapBox.set(String,Int) -> nyash_map_set_ah",
    "[ffi/resolve] MapBox.get(Int) -> nyash_map_get_h",
    "[ffi/resolve] MapBox.get(Handle) -> nyash_map_get_hh",
    "[ffi/resolve] StringBox.substring(Int) -> reml_str_substring_from",
]
STDOUT = "2\nk\nabcd\nbc\n"


def run(argv, env_trace):
    env = dict(os.environ)
    env.pop("HAKO_FFI_TRACE", None)
    if env_trace is not None:
        env["HAKO_FFI_TRACE"] = env_trace
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=TIMEOUT, env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def trace_lines(err):
    return [line for line in err.splitlines() if line.startswith("[ffi/resolve]")]


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--runtime-path")
    args = ap.parse_args(argv)
    passed, failed = 0, 0

    def check(name, ok, detail):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s: %s" % (name, detail))

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "trace.hako")
        with open(src, "w") as f:
            f.write(PROGRAM)
        exe = os.path.join(tmp, "trace")
        build = [args.hakoc, "build", src, "-O2", "-o", exe]
        if args.runtime_path:
            build += ["--runtime-path", args.runtime_path]

        rc, out, err = run([args.hakoc, "run", src], "1")
        check("run: exit status", rc == 0, "exit %s, stderr %r" % (rc, err))
        check("run: program output", out == STDOUT, "stdout %r" % out)
        check("run: trace", trace_lines(err) == TRACE, "trace %r" % trace_lines(err))
        check("run: nothing else on stderr", len(err.splitlines()) == len(TRACE), "stderr %r" % err)

        rc, out, err = run(build, "1")
        check("build: exit status", rc == 0, "exit %s, stderr %r" % (rc, err))
        check("build: trace", trace_lines(err) == TRACE, "trace %r" % trace_lines(err))
        if rc == 0:
            rc, out, err = run([exe], "1")
            check("built program: output", rc == 0 and out == STDOUT, "exit %s, stdout %r" % (rc, out))
            check("built program: no trace at run time", trace_lines(err) == [], "stderr %r" % err)

        # -O0 code passes Int keys and values untagged to the typed entries;
        # -O2 code inlines them (src/codegen/fast_paths.h), so only the
        # insert of a new Int key is left as a call.
        def ir_of(level):
            ll = os.path.join(tmp, "typed%s.ll" % level)
            rc, out, err = run([args.hakoc, "build", src, level, "--emit=llvm-ir", "-o", ll], None)
            return rc, err, (open(ll).read() if rc == 0 and os.path.exists(ll) else "")

        rc, err, ir = ir_of("-O0")
        check("-O0 IR: map.set(Int,Int) passes i64 to nyash_map_set_h",
              re.search(r"call void @nyash_map_set_h\(ptr [^,]+, i64 [^,]+, i64 [^)]+\)", ir) is not None,
              "exit %s, stderr %r" % (rc, err))
        check("-O0 IR: map.get(Int) passes i64 to nyash_map_get_h",
              re.search(r"call i64 @nyash_map_get_h\(ptr [^,]+, i64 [^)]+\)", ir) is not None, "no such call")
        rc, err, ir = ir_of("-O2")
        check("-O2 IR: the Int-key set is inlined down to its insert",
              re.search(r"call void @reml_map_insert_int\(ptr [^,]+, i64 [^,]+, i64 [^)]+\)", ir) is not None
              and "@nyash_map_set_h(" not in ir and "@nyash_map_get_h(" not in ir,
              "exit %s, stderr %r" % (rc, err))

        rc, out, err = run([args.hakoc, "emit-mir", src], "1")
        check("emit-mir: trace", rc == 0 and trace_lines(err) == TRACE, "exit %s, trace %r" % (rc, trace_lines(err)))

        rc, out, err = run([args.hakoc, "run", src], None)
        check("run without HAKO_FFI_TRACE: no trace", rc == 0 and err == "", "exit %s, stderr %r" % (rc, err))
        rc, out, err = run([args.hakoc, "run", src], "0")
        check("run with HAKO_FFI_TRACE=0: no trace", rc == 0 and err == "", "exit %s, stderr %r" % (rc, err))

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
