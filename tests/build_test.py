#!/usr/bin/env python3
"""`hakoc build` end to end (Python 3 standard library only).

Checks what the run-program suites cannot see: the object format of every
supported target (`llvm-objdump-19 -f`), the default output names, that -O2
inlines the runtime's fast paths while -O0 calls them, debug info, the
linker override and executables built at both levels.

Usage: build_test.py --hakoc PATH --source-dir DIR [-k SUBSTR]
Ends with the line `N passed, M failed`; exit status 1 when a case failed.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 120.0

# Each supported triple with the file format llvm-objdump reports for its objects.
TARGET_FORMATS = [
    ("x86_64-unknown-linux-gnu", "elf64-x86-64"),
    ("aarch64-unknown-linux-gnu", "elf64-littleaarch64"),
    ("x86_64-w64-windows-gnu", "coff-x86-64"),
    ("x86_64-pc-windows-msvc", "coff-x86-64"),
    ("arm64-apple-darwin", "mach-o arm64"),
]

# A field always holds a Handle, so storing an Int into one boxes it.
BOXING_PROGRAM = """box Cell {
    v
}
static box Main {
    main(args) {
        local c = new Cell()
        c.v = args.length() + 40
        print(c.v + 2)
        return 0
    }
}
"""

CALL_BOX_I64 = re.compile(r"call [^\n]*@reml_fp_box_i64\(")


class Failure(Exception):
    pass


def run(argv, cwd=None, env=None):
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure("%s timed out" % argv[0])
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def build(ctx, args, cwd=None, env=None):
    rc, out, err = run([ctx.hakoc, "build"] + args, cwd=cwd, env=env)
    if rc != 0:
        raise Failure("hakoc build %s: exit %d: %s" % (" ".join(args), rc, err.strip()[:300]))
    return out


def expect(cond, message):
    if not cond:
        raise Failure(message)


def case_target_objects(ctx):
    """--emit=obj works for every supported triple, in that target's format."""
    objdump = shutil.which("llvm-objdump-19")
    expect(objdump, "llvm-objdump-19 not found (tools/bootstrap.sh installs it)")
    for triple, fmt in TARGET_FORMATS:
        for level in ("-O0", "-O2"):
            obj = os.path.join(ctx.tmp, "%s%s.o" % (triple, level))
            build(ctx, [ctx.hello, "--target", triple, "--emit=obj", level, "-o", obj])
            rc, out, err = run([objdump, "-f", obj])
            m = re.search(r"file format (.+)", out)
            got = m.group(1).strip() if m else out.strip()
            expect(got == fmt, "%s %s: file format %r, expected %r" % (triple, level, got, fmt))
            if fmt.startswith("mach-o"):
                # llvm-objdump-19 names a Mach-O file's format, then fails -f's
                # header dump for every Mach-O object (clang's own too); its
                # Mach-O header dump confirms the object instead.
                expect("Invalid/Unsupported object file format" in err or rc == 0,
                       "llvm-objdump-19 -f %s: %s" % (obj, err.strip()))
                rc, out, err = run([objdump, "--macho", "--private-headers", obj])
                expect(rc == 0 and re.search(r"MH_MAGIC_64\s+ARM64\s+\S+\s+\S+\s+OBJECT", out),
                       "%s is not a Mach-O arm64 object: %s" % (obj, (out + err).strip()[:300]))
            else:
                expect(rc == 0, "llvm-objdump-19 -f %s failed: %s" % (obj, err.strip()))


def case_target_text(ctx):
    """LLVM IR carries each target's triple and data layout; assembly is produced for each."""
    for triple, _ in TARGET_FORMATS:
        ir = build(ctx, [ctx.hello, "--target", triple, "--emit=llvm-ir", "-o", "-"])
        expect('target triple = "%s"' % triple in ir, "%s: the IR does not name its triple" % triple)
        expect("target datalayout = " in ir, "%s: the IR has no data layout" % triple)
        asm = build(ctx, [ctx.hello, "--target", triple, "--emit=asm", "-o", "-"])
        expect(re.search(r"^main:|^_main:", asm, re.M), "%s: the assembly defines no main" % triple)


def case_fast_paths_inlined(ctx):
    """-O0 calls reml_fp_box_i64; -O2 has the fast path inlined (no call left)."""
    o0 = build(ctx, [ctx.boxing, "-O0", "--emit=llvm-ir", "-o", "-"])
    o2 = build(ctx, [ctx.boxing, "-O2", "--emit=llvm-ir", "-o", "-"])
    expect(CALL_BOX_I64.search(o0), "-O0 IR has no call to reml_fp_box_i64; the test program does not box")
    expect(not CALL_BOX_I64.search(o2), "-O2 IR still calls reml_fp_box_i64: the fast path was not inlined")


def case_executables(ctx):
    """Executables built at -O0 and -O2 (with and without -g) print what the VM prints."""
    for flags in (["-O0"], ["-O2"], ["-O0", "-g"], ["-O2", "-g"]):
        exe = os.path.join(ctx.tmp, "hello" + "".join(flags))
        build(ctx, [ctx.hello, "-o", exe] + flags)
        rc, out, err = run([exe, "Ada"])
        expect((rc, out, err) == (0, "Hello, Hako!\nHello, Ada!\n", ""),
               "%s: exit %d, stdout %r, stderr %r" % (" ".join(flags), rc, out, err))
        exe = os.path.join(ctx.tmp, "boxing" + "".join(flags))
        build(ctx, [ctx.boxing, "-o", exe] + flags)
        rc, out, err = run([exe, "x", "y"])
        expect((rc, out) == (0, "44\n"), "boxing %s: exit %d, stdout %r" % (" ".join(flags), rc, out))


def case_default_names(ctx):
    """Without -o, outputs are named after the input's stem in the current directory."""
    cwd = os.path.join(ctx.tmp, "names")
    os.mkdir(cwd)
    for args, name in ((["--emit=llvm-ir"], "hello.ll"), (["--emit=asm"], "hello.s"),
                       (["--emit=obj"], "hello.o"), (["--no-link-runtime"], "hello.o"), ([], "hello")):
        path = os.path.join(cwd, name)
        if os.path.exists(path):
            os.remove(path)
        build(ctx, [ctx.hello] + args, cwd=cwd)
        expect(os.path.isfile(path), "hakoc build %s wrote no %s" % (" ".join(args), name))
    expect(os.access(os.path.join(cwd, "hello"), os.X_OK), "the default executable is not executable")


def case_debug_info(ctx):
    """-g maps code back to .hako lines: the IR has a compile unit for the file and line locations."""
    ir = build(ctx, [ctx.hello, "-O0", "-g", "--emit=llvm-ir", "-o", "-"])
    expect("!DICompileUnit(" in ir, "no DICompileUnit in -g IR")
    expect('filename: "hello.hako"' in ir, "the debug info does not name hello.hako")
    expect(re.search(r"!DILocation\(line: [1-9]", ir), "no line locations in -g IR")
    plain = build(ctx, [ctx.hello, "-O0", "--emit=llvm-ir", "-o", "-"])
    expect("!DICompileUnit(" not in plain, "debug info without -g")


def case_debug_info_files(ctx):
    """-g with `using`: a DIFile per source file in the line table, each function in its own file."""
    dwarfdump = shutil.which("llvm-dwarfdump-19")
    expect(dwarfdump, "llvm-dwarfdump-19 not found (tools/bootstrap.sh installs llvm-19)")
    root = os.path.join(ctx.tmp, "multi")
    os.makedirs(os.path.join(root, "lib"))
    files = {"main.hako": 'using "lib/geo.hako"\nstatic box Main {\n    main() {\n        return Geo.twice(2)\n    }\n}\n',
             "lib/geo.hako": 'using "util.hako"\nstatic box Geo {\n    twice(n) { return Util.add(n, n) }\n}\n',
             "lib/util.hako": '// util\n\nstatic box Util {\n    add(a, b) { return a + b }\n}\n'}
    for name, text in files.items():
        with open(os.path.join(root, name), "w") as f:
            f.write(text)
    obj = os.path.join(ctx.tmp, "multi.o")
    build(ctx, [os.path.join(root, "main.hako"), "-O0", "-g", "--emit=obj", "-o", obj])
    rc, lines, err = run([dwarfdump, "--debug-line", obj])
    expect(rc == 0, "llvm-dwarfdump-19 --debug-line failed: %s" % err.strip())
    names = re.findall(r'name: "([^"]+)"', lines)
    for name in ("main.hako", "geo.hako", "util.hako"):
        expect(name in names, "the line table does not list %s: %s" % (name, names))
    rc, info, err = run([dwarfdump, "--debug-info", obj])
    expect(rc == 0, "llvm-dwarfdump-19 --debug-info failed: %s" % err.strip())
    for fn, path, line in (("Main.main/0", "main.hako", 4), ("Geo.twice/1", "lib/geo.hako", 3),
                           ("Util.add/2", "lib/util.hako", 4)):
        m = re.search(r'DW_AT_name\s+\("%s"\)\s+DW_AT_decl_file\s+\("([^"]+)"\)\s+DW_AT_decl_line\s+\((\d+)\)'
                      % re.escape(fn), info)
        expect(m, "no DWARF subprogram entry for %s" % fn)
        expect(m.group(1) == os.path.join(root, path) and int(m.group(2)) == line,
               "%s is at %s:%s in DWARF, expected %s:%d" % (fn, m.group(1), m.group(2), path, line))


def case_runtime_path(ctx):
    """--runtime-path accepts the library's directory as well as the file."""
    rc, out, err = run([ctx.hakoc, "build", ctx.hello, "-o", os.path.join(ctx.tmp, "probe")])
    expect(rc == 0, "default runtime lookup failed: %s" % err.strip())
    lib_dir = os.path.join(ctx.tmp, "libdir")
    os.mkdir(lib_dir)
    rc, out, err = run([ctx.hakoc, "build", ctx.hello, "--runtime-path", lib_dir, "-o",
                        os.path.join(ctx.tmp, "nolib")])
    expect(rc == 1 and "E0504" in err, "an empty --runtime-path directory: exit %d, %r" % (rc, err))


def case_linker_override(ctx):
    """HAKO_CC names the linker driver; one that fails gives E0505 and exit 1."""
    env = dict(os.environ, HAKO_CC="false")
    rc, out, err = run([ctx.hakoc, "build", ctx.hello, "-o", os.path.join(ctx.tmp, "x")], env=env)
    expect(rc == 1 and "error[E0505]" in err, "HAKO_CC=false: exit %d, %r" % (rc, err))
    env = dict(os.environ, HAKO_CC=os.path.join(ctx.tmp, "no-such-cc"))
    rc, out, err = run([ctx.hakoc, "build", ctx.hello, "-o", os.path.join(ctx.tmp, "x")], env=env)
    expect(rc == 1 and "error[E0505]" in err, "HAKO_CC missing: exit %d, %r" % (rc, err))
    expect(not os.path.exists(os.path.join(ctx.tmp, "x")), "a failed link left an output behind")


CASES = [case_target_objects, case_target_text, case_fast_paths_inlined, case_executables,
         case_default_names, case_debug_info, case_debug_info_files, case_runtime_path, case_linker_override]


class Context:
    pass


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--source-dir", required=True, help="the hakoc source tree (for examples/)")
    ap.add_argument("-k", dest="filter", default=None, help="only cases whose name contains SUBSTR")
    opts = ap.parse_args(argv)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="hako-build-") as tmp:
        ctx = Context()
        ctx.hakoc = os.path.abspath(opts.hakoc)
        ctx.tmp = tmp
        ctx.hello = os.path.abspath(os.path.join(opts.source_dir, "examples", "hello.hako"))
        ctx.boxing = os.path.join(tmp, "boxing.hako")
        with open(ctx.boxing, "w") as f:
            f.write(BOXING_PROGRAM)
        for case in CASES:
            name = case.__name__[len("case_"):]
            if opts.filter and opts.filter not in name:
                continue
            try:
                case(ctx)
                passed += 1
            except Failure as e:
                failed += 1
                print("FAIL %s: %s" % (name, e))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
