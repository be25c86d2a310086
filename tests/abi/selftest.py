#!/usr/bin/env python3
"""The ABI harness catches what it exists to catch (Python 3 standard
library only).

  selftest.py --hakoc PATH

1. llvm_sig's normal form: the attributes and types that matter survive,
   the noise goes, equivalent results compare equal, and unknown IR is an
   error.
2. The run mode against planted faults, in one program of several cases on
   the host: a C callee that expects another argument value, one that
   returns another result, one that crashes, and a case whose Hako text
   does not compile. Exactly those cases must be reported, each for its
   reason, and every other case must pass.

Prints one line per failed check and `selftest: N checks, M failed`; the
exit status is 1 when a check failed.
"""

import argparse
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import abi_test  # noqa: E402
import gen_signatures  # noqa: E402
import llvm_sig  # noqa: E402
import render  # noqa: E402
from abi_types import Scalar  # noqa: E402

FAILURES = []
CHECKS = [0]


def check(ok, what):
    CHECKS[0] += 1
    if not ok:
        FAILURES.append(what)
        print("FAIL %s" % what)


def norm(module, name, kind="declare"):
    sig = llvm_sig.find(module, name, kind)
    return sig.text(name, kind) if sig else None


def check_normal_form():
    module = "\n".join([
        "%struct.V3 = type { float, float, float }",
        "%struct.Big = type { i64, i64, i64 }",
        "declare dso_local void @a(ptr dead_on_unwind writable sret(%struct.Big) align 8, i8 noundef signext, "
        "ptr noundef byval(%struct.Big) align 8, i1 noundef zeroext) #3",
        "declare %struct.V3 @b([3 x float] alignstack(8), ptr noundef nonnull align 4 dereferenceable(12))",
        "declare [3 x float] @c(ptr byval({ i64, i64, i64 }))",
        "declare win64cc i32 @d(i32 noundef, ...)",
        "  %5 = call i32 (i32, ...) @d(i32 noundef 1, i64 noundef 2, double noundef 3.500000e+00, ptr noundef @.s)",
        "declare i32 @e(i32 frobnicate)",
    ])
    check(norm(module, "a") == "declare void @a(ptr sret(24) align 8, i8 signext, ptr byval(24) align 8, i1 zeroext)",
          "normal form keeps sret, byval (as a size), align and extension: %s" % norm(module, "a"))
    check(norm(module, "b") == "declare { float, float, float } @b([3 x float] alignstack(8), ptr)",
          "normal form expands struct names and drops pointer hints: %s" % norm(module, "b"))
    check(norm(module, "c") == "declare { float, float, float } @c(ptr byval(24) align 8)",
          "a direct aggregate result compares by its leaves, byval's align defaults to the type's: %s"
          % norm(module, "c"))
    check(norm(module, "d") == "declare win64cc i32 @d(i32, ...)", "the calling convention is kept: %s"
          % norm(module, "d"))
    check(norm(module, "d", "call") == "call i32 (i32, ...) @d(i32, i64, double, ptr)",
          "a variadic call lists its fixed types and every argument: %s" % norm(module, "d", "call"))
    check(norm(module, "b") != norm(module.replace("alignstack(8)", ""), "b"), "alignstack matters")
    check(norm(module, "a") != norm(module.replace("i8 noundef signext", "i8 noundef"), "a"), "signext matters")
    check(norm(module, "a") != norm(module.replace("ptr noundef byval(%struct.Big) align 8", "ptr noundef"), "a"),
          "byval matters")
    try:
        norm(module, "e")
        check(False, "an unknown attribute is an error")
    except llvm_sig.IRError:
        check(True, "")
    check(norm(module, "missing") is None, "a function the module does not have is None")


class FaultyRunner(abi_test.Runner):
    """A runner whose sources carry the planted faults."""

    faults = {}

    def c_source(self, cases):
        planted = [self.faults["argument"].get(c.ident, c) for c in cases]
        planted = [self.faults["result"].get(c.ident, c) for c in planted]
        text = render.c_callees(planted)
        crash = self.faults["crash"]
        return text.replace("abi_enter(%d);" % crash, "abi_enter(%d); __builtin_trap();" % crash)

    def hako_source(self, cases):
        text = render.hako_program(cases)
        broken = self.faults["reject"]
        return text.replace("static box Case%d {\n    run() {" % broken,
                            "static box Case%d {\n    run() {\n        local = 1" % broken)


def nudged(t, v):
    return v - 1 if v > t.lo else v + 1


def check_run_mode(hakoc):
    cases = gen_signatures.generate(5, 24)
    scalar_int = [c for c in cases if any(isinstance(t, Scalar) and t.cls in ("Int", "UInt") for _, t in c.params)]
    int_result = [c for c in cases if isinstance(c.ret, Scalar) and c.ret.cls in ("Int", "UInt")]
    arg_case = scalar_int[0]
    res_case = next(c for c in int_result if c is not arg_case)
    others = [c for c in cases if c is not arg_case and c is not res_case]
    crash_case, reject_case = others[3], others[7]

    wrong_arg = copy.deepcopy(arg_case)
    k = next(i for i, (_, t) in enumerate(wrong_arg.params) if isinstance(t, Scalar) and t.cls in ("Int", "UInt"))
    wrong_arg.args[k] = nudged(wrong_arg.params[k][1], wrong_arg.args[k])
    wrong_res = copy.deepcopy(res_case)
    wrong_res.result = nudged(wrong_res.ret, wrong_res.result)
    FaultyRunner.faults = {"argument": {arg_case.ident: wrong_arg}, "result": {res_case.ident: wrong_res},
                           "crash": crash_case.ident, "reject": reject_case.ident}

    opts = abi_test.options(["--mode", "run", "--target", abi_test.HOST, "--hakoc", hakoc, "--batch", "24"])
    results = abi_test.run_cases(opts, cases, FaultyRunner)
    expect = {
        arg_case.ident: "case %d: C got %s" % (arg_case.ident, arg_case.params[k][0]),
        res_case.ident: "case %d: Hako got result" % res_case.ident,
        crash_case.ident: "the program ended abnormally",
        reject_case.ident: "hakoc build failed",
    }
    for c in cases:
        got = results.get(c.ident)
        if c.ident in expect:
            check(got is not None and any(line.startswith(expect[c.ident]) for line in got),
                  "planted fault in case %d reported as '%s'; got %r" % (c.ident, expect[c.ident], got))
        else:
            check(got is None, "case %d without a fault passes; got %r" % (c.ident, got))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hakoc", required=True)
    opts = ap.parse_args()
    check_normal_form()
    check_run_mode(opts.hakoc)
    print("selftest: %d checks, %d failed" % (CHECKS[0], len(FAILURES)))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
