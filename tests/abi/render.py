"""Source text of generated cases: the C side and the Hako side.

For a list of cases (one case alone is a minimal reproduction):

  c_prototypes(cases)  the struct definitions and prototypes, no header;
  c_oracle(cases)      those, a C caller of each case with its values and a C
                       function of each callback's type (what clang lowers
                       for the signature oracle);
  c_callees(cases)     the callees of the run mode: each checks every argument
                       against the generated values, calls its callback with
                       known values and checks the result, and returns a
                       known value;
  hako_program(cases)  a program that calls every case with those values,
                       checks the results and defines the callbacks, which
                       check their arguments and return known values.

Protocol of a run: stdout is unbuffered (a constructor in the callees'
library), each callee writes `case N: enter` to stderr on arrival (so after
a crash the last such line names the case),
and `case N: C got ...` there for a wrong value; the program prints
`case N: Hako got ...` for a wrong value and `case N end` after each case,
then `all done`.
"""

from abi_types import C_SCALAR_SPELLING, Struct, Pointer, CStr, Scalar, c_literal, c_value, hako_expected, \
    hako_literal, leaves
from gen_signatures import FnPtr, VARARG_C_TYPES

LIBRARY = "abicase"

_C_TYPEDEFS = "".join("typedef %s abi_%s;\n" % (c, name) for name, c in C_SCALAR_SPELLING.items())


def _c_decl(t, name):
    """A C declaration of name with type t (t None: void)."""
    if t is None:
        return "void " + name
    if isinstance(t, FnPtr):
        return "%s (*%s)(%s)" % (_c_type(t.ret), name, _c_params([("", p) for p in t.params]))
    spelling = t.c()
    return spelling + name if spelling.endswith("*") else spelling + " " + name


def _c_type(t):
    return "void" if t is None else t.c()


def _c_params(params, variadic=False):
    if not params:
        return "void"
    text = ", ".join(_c_decl(t, n).rstrip() for n, t in params)
    return text + ", ..." if variadic else text


def c_struct_defs(cases):
    out, seen = [], set()
    for c in cases:
        for s in c.structs():
            if s.name not in seen:
                seen.add(s.name)
                out.append("struct %s {%s};\n" % (s.name, " ".join(_c_decl(t, n) + ";" for n, t in s.fields)))
    return "".join(out)


def c_prototype(case):
    return "%s(%s);\n" % (_c_decl(case.ret, case.symbol), _c_params(case.params, case.varargs is not None))


def c_prototypes(cases):
    return _C_TYPEDEFS + c_struct_defs(cases) + "".join(c_prototype(c) for c in cases)


# The values of Bool variadic arguments in the oracle's C callers.
_C_BOOL_VARARGS = "static const int abi_false = 0, abi_true = 1;\n"


def _c_return(t, v):
    if t is None:
        return "return;"
    return "return %s;" % c_value(t, v)


def _c_vararg(kind, v):
    if kind == "int":
        return "(long long)%s" % c_literal_i64(v)
    if kind == "float":
        return v.hex()
    if kind == "bool":
        # Not a constant: clang for Windows widens a null pointer constant
        # (any integer constant expression 0) passed to `...` to pointer
        # size; a const object is not one in C.
        return "abi_true" if v else "abi_false"
    return '"%s"' % v


def c_literal_i64(v):
    return "(-%dLL - 1)" % (-(v + 1)) if v == -(1 << 63) else "%dLL" % v


def cb_impl_name(case):
    return "abi_cbimpl_%d" % case.ident


def c_oracle(cases):
    """Prototypes, and for each case a caller and its callback's C twin."""
    out = [c_prototypes(cases), _C_BOOL_VARARGS]
    for c in cases:
        cb = c.callback()
        if cb:
            params = [("p%d" % i, t) for i, t in enumerate(cb.params)]
            out.append("%s(%s) { %s }\n" % (_c_decl(cb.ret, cb_impl_name(c)), _c_params(params),
                                              _c_return(cb.ret, cb.result)))
        args = [cb_impl_name(c) if isinstance(t, FnPtr) else c_value(t, v) for (_, t), v in zip(c.params, c.args)]
        args += [_c_vararg(k, v) for k, v in c.varargs or []]
        out.append("void abi_caller_%d(void) { %s(%s); }\n" % (c.ident, c.symbol, ", ".join(args)))
    return "".join(out)


# --- the run mode's callees ----------------------------------------------

_C_RUN_PRELUDE = r"""#define __USE_MINGW_ANSI_STDIO 1
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
/* Unbuffered, so that after a crash the output shows which cases ended;
   Hako's print writes through the same C stdout (docs/ffi.md). */
__attribute__((constructor)) static void abi_unbuffered(void) { setvbuf(stdout, NULL, _IONBF, 0); }
static void abi_enter(int c) { fprintf(stderr, "case %d: enter\n", c); }
static void abi_bad_i(int c, const char *w, long long got, long long want) {
  fprintf(stderr, "case %d: C got %s = %lld, want %lld\n", c, w, got, want);
}
static void abi_bad_u(int c, const char *w, unsigned long long got, unsigned long long want) {
  fprintf(stderr, "case %d: C got %s = %llu, want %llu\n", c, w, got, want);
}
static void abi_bad_f(int c, const char *w, double got, double want) {
  fprintf(stderr, "case %d: C got %s = %.17g (%a), want %.17g (%a)\n", c, w, got, got, want, want);
}
static void abi_bad_p(int c, const char *w, const void *got) {
  fprintf(stderr, "case %d: C got %s = %p, want a null pointer\n", c, w, got);
}
static void abi_bad_s(int c, const char *w, const char *got, const char *want) {
  fprintf(stderr, "case %d: C got %s = \"%s\", want \"%s\"\n", c, w, got ? got : "(null)", want);
}
"""


def _c_checks(ident, t, expr, v, what):
    """C statements that check expr (of type t) against value v."""
    out = []
    for path, lt, lv in leaves(t, v, ""):
        e, w = expr + path, what + path
        lit = c_literal(lt, lv)
        if isinstance(lt, Pointer):
            out.append("if (%s != 0) abi_bad_p(%d, \"%s\", %s);" % (e, ident, w, e))
        elif isinstance(lt, CStr):
            out.append("if (!%s || strcmp(%s, %s) != 0) abi_bad_s(%d, \"%s\", %s, %s);" % (e, e, lit, ident, w, e, lit))
        elif lt.cls == "Float":
            out.append("if (%s != %s) abi_bad_f(%d, \"%s\", (double)%s, (double)%s);" % (e, lit, ident, w, e, lit))
        elif lt.cls == "UInt":
            out.append("if (%s != %s) abi_bad_u(%d, \"%s\", (unsigned long long)%s, (unsigned long long)%s);"
                       % (e, lit, ident, w, e, lit))
        else:
            out.append("if (%s != %s) abi_bad_i(%d, \"%s\", (long long)%s, (long long)%s);" % (e, lit, ident, w, e, lit))
    return out


def c_callee(case):
    body = ["abi_enter(%d);" % case.ident]
    for (name, t), v in zip(case.params, case.args):
        if not isinstance(t, FnPtr):
            body += _c_checks(case.ident, t, name, v, name)
    if case.varargs is not None:
        last = case.params[-1][0]
        body.append("va_list ap; va_start(ap, %s);" % last)
        for i, (kind, v) in enumerate(case.varargs):
            ctype = VARARG_C_TYPES[kind]
            name = "v%d" % i
            body.append("%s %s = va_arg(ap, %s);" % (ctype, name, ctype))
            if kind == "int":
                body.append("if (%s != %s) abi_bad_i(%d, \"#%d\", %s, %s);"
                            % (name, c_literal_i64(v), case.ident, len(case.params) + i + 1, name, c_literal_i64(v)))
            elif kind == "float":
                body.append("if (%s != %s) abi_bad_f(%d, \"#%d\", %s, %s);"
                            % (name, v.hex(), case.ident, len(case.params) + i + 1, name, v.hex()))
            elif kind == "bool":
                want = "1" if v else "0"
                body.append("if (%s != %s) abi_bad_i(%d, \"#%d\", %s, %s);"
                            % (name, want, case.ident, len(case.params) + i + 1, name, want))
            else:
                body.append("if (!%s || strcmp(%s, \"%s\") != 0) abi_bad_s(%d, \"#%d\", %s, \"%s\");"
                            % (name, name, v, case.ident, len(case.params) + i + 1, name, v))
        body.append("va_end(ap);")
    cb = case.callback()
    if cb:
        args = ", ".join(c_value(t, v) for t, v in zip(cb.params, cb.args))
        if cb.ret is None:
            body.append("cb(%s);" % args)
        else:
            body.append("{ %s = cb(%s);" % (_c_decl(cb.ret, "r"), args))
            body += _c_checks(case.ident, cb.ret, "r", cb.result, "callback result")
            body.append("}")
    body.append(_c_return(case.ret, case.result))
    return "%s(%s) {\n  %s\n}\n" % (_c_decl(case.ret, case.symbol), _c_params(case.params, case.varargs is not None),
                                   "\n  ".join(body))


def c_callees(cases):
    return _C_RUN_PRELUDE + c_prototypes(cases) + "".join(c_callee(c) for c in cases)


# --- the Hako program ----------------------------------------------------

def _hako_checks(ident, t, expr, v, what):
    out = []
    for path, lt, lv in leaves(t, v, ""):
        e = expr + path
        want = "null" if isinstance(lt, Pointer) else hako_expected(lt, lv)
        out.append('if %s != %s { print("case %d: Hako got %s = " + %s) }' % (e, want, ident, what + path, e))
    return out


def hako_extern_fn(case):
    params = ["%s: %s" % (n, t.hako()) for n, t in case.params]
    if case.varargs is not None:
        params.append("...")
    ret = " -> %s" % case.ret.hako() if case.ret is not None else ""
    return "fn %s(%s)%s" % (case.symbol, ", ".join(params), ret)


def hako_structs(cases):
    out, seen = [], set()
    for c in cases:
        for s in c.structs():
            if s.name not in seen:
                seen.add(s.name)
                out.append("extern struct %s { %s }\n" % (s.name, ", ".join("%s: %s" % (n, t.hako())
                                                                            for n, t in s.fields)))
    return "".join(out)


def _hako_vararg(kind, v):
    if kind == "int":
        return hako_literal(Scalar("i64", "Int", 8, 8, 0, 0), v)
    if kind == "float":
        return repr(v)
    if kind == "bool":
        return "true" if v else "false"
    return '"%s"' % v


def hako_case(case):
    """The extern declaration, callback box and runner box of one case."""
    i = case.ident
    out = ['@library("%s") extern "C" {\n    %s\n}\n' % (LIBRARY, hako_extern_fn(case))]
    cb = case.callback()
    if cb:
        names = ["p%d" % k for k in range(len(cb.params))]
        body = []
        for n, t, v in zip(names, cb.params, cb.args):
            body += _hako_checks(i, t, n, v, "callback " + n)
        body.append("return %s" % (hako_literal(cb.ret, cb.result) if cb.ret is not None else "0"))
        out.append("static box Cb%d {\n    m(%s) {\n        %s\n    }\n}\n" % (i, ", ".join(names),
                                                                            "\n        ".join(body)))
    args = ["Cb%d.m" % i if isinstance(t, FnPtr) else hako_literal(t, v) for (_, t), v in zip(case.params, case.args)]
    args += [_hako_vararg(k, v) for k, v in case.varargs or []]
    call = "%s(%s)" % (case.symbol, ", ".join(args))
    body = []
    if case.ret is None:
        body.append(call)
    else:
        body.append("local r = " + call)
        body += _hako_checks(i, case.ret, "r", case.result, "result")
    out.append("static box Case%d {\n    run() {\n        unsafe {\n            %s\n        }\n"
               "        print(\"case %d end\")\n        return 0\n    }\n}\n" % (i, "\n            ".join(body), i))
    return "".join(out)


def hako_program(cases):
    calls = "".join("        Case%d.run()\n" % c.ident for c in cases)
    return (hako_structs(cases) + "".join(hako_case(c) for c in cases) +
            "static box Main {\n    main() {\n%s        print(\"all done\")\n        return 0\n    }\n}\n" % calls)
