"""Seeded generator of C signatures and the values one call of each passes.

`generate(seed, count)` returns `count` Cases; the same seed and count give
the same cases, and case i does not depend on count (each case has its own
random stream), so a failing case is regenerated alone from its seed and id.
Shapes rotate so that every count covers them all: scalar arguments (every
whitelisted scalar type is dealt from a shuffled deck), extern structs of
1 to 64 bytes with mixed and nested fields, HFAs of f32 and of f64 (1 to 4
members, flat or nested) and near-HFAs, enough arguments to spill to the
stack, varargs (the kinds of value Hako passes there: Int, Float, Bool,
String), struct results, and callbacks (an FnPtr parameter) whose own
signatures are drawn from the same shapes.

Values exercise what a wrong lowering gets wrong: negative values in narrow
signed types (sign extension), high-bit values in unsigned types (zero
extension), floats that need every mantissa bit, f32 arguments that Hako
must round, and both bools.
"""

import random
import string

from abi_types import Struct, Scalar, Pointer, CStr, Whitelist

SHAPES = ("scalars", "structs", "hfa", "many", "varargs", "struct_result", "callback", "mixed")
# Shapes a callback's own signature may take (a callback cannot be variadic
# or take another callback here).
CALLBACK_SHAPES = ("scalars", "structs", "hfa", "many", "struct_result")
# Sizes a generated struct aims at: every size to 8 (odd sizes pass
# differently on Win64), the register pair, and a few memory sizes.
STRUCT_SIZE_TARGETS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 16, 20, 24, 32, 40, 48, 64)
MAX_STRUCT_SIZE = 64
# The kinds of value Hako passes as a variadic argument, and their C types
# after the default promotions (docs/ffi.md).
VARARG_KINDS = ("int", "float", "bool", "string")
VARARG_C_TYPES = {"int": "long long", "float": "double", "bool": "int", "string": "const char *"}

FLT_SPECIALS = (3.4028234663852886e38, -1.1754943508222875e-38, 1.401298464324817e-45, 0.1, -1.0 / 3.0)
DBL_SPECIALS = (1.7976931348623157e308, -2.2250738585072014e-308, 5e-324, 0.1, -1.0 / 3.0)


class FnPtr:
    """The type of a callback parameter: FnPtr<(A, ...) -> R>."""

    def __init__(self, params, ret):
        self.params, self.ret = params, ret
        self.size, self.align = 8, 8

    def hako(self):
        return "FnPtr<(%s) -> %s>" % (", ".join(t.hako() for t in self.params), self.ret.hako() if self.ret else "void")


class Callback:
    """A callback passed to a case: its signature, the values C passes it and
    the value the Hako method returns."""

    def __init__(self, params, ret, args, result):
        self.params, self.ret, self.args, self.result = params, ret, args, result
        self.type = FnPtr(params, ret)


class Case:
    """One signature and one call of it.

    params: (name, type) pairs, a type being a Scalar, Pointer, CStr, Struct
    or FnPtr; ret: a type or None (void); args: one value per parameter (the
    Callback for the FnPtr one); varargs: None when the function is not
    variadic, else (kind, value) pairs; result: the value C returns."""

    def __init__(self, ident, shape, params, ret, args, varargs, result):
        self.ident, self.shape = ident, shape
        self.params, self.ret, self.args, self.varargs, self.result = params, ret, args, varargs, result

    @property
    def symbol(self):
        return "abi_case_%d" % self.ident

    def callback(self):
        for (_, t), v in zip(self.params, self.args):
            if isinstance(t, FnPtr):
                return v
        return None

    def structs(self):
        """Every struct the case names, each after the structs it holds."""
        out = []
        types = [t for _, t in self.params] + [self.ret]
        cb = self.callback()
        if cb:
            types += list(cb.params) + [cb.ret]
        for t in types:
            if isinstance(t, Struct):
                for s in t.nested():
                    if s not in out:
                        out.append(s)
        return out


class _Gen:
    """The random choices of one case."""

    def __init__(self, whitelist, rng, ident):
        self.w, self.rng, self.ident = whitelist, rng, ident
        self.deck = []
        self.struct_count = 0

    # --- types -------------------------------------------------------------

    def scalar(self):
        """The next scalar type from a shuffled deck of all of them."""
        if not self.deck:
            self.deck = list(self.w.scalars)
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    def named(self, name):
        return self.w.scalar(name)

    def pointer(self):
        pointee = self.rng.choice([None, self.named("i32"), self.named("u8"), self.named("f64")])
        return self.w.pointer(self.rng.choice(self.w.pointer_flavours), pointee)

    def new_struct(self, fields):
        name = "S%d_%d" % (self.ident, self.struct_count)
        self.struct_count += 1
        return Struct(name, [("f%d" % i, t) for i, t in enumerate(fields)])

    def mixed_struct(self, depth=0):
        """A struct of scalars, pointers and nested structs, 1 to 64 bytes;
        one in four of narrow integers only, so that sizes that are not a
        multiple of 4 or 8 (3, 5, 6, 7, 9...) occur."""
        if self.rng.random() < 0.25:
            pool = ["i8", "u8", "bool"] + (["i16", "u16"] if self.rng.random() < 0.4 else [])
            return self.new_struct([self.named(self.rng.choice(pool)) for _ in range(self.rng.randint(1, 15))])
        target = self.rng.choice(STRUCT_SIZE_TARGETS)
        fields = []
        for _ in range(40):
            r = self.rng.random()
            if depth < 2 and r < 0.15:
                t = self.mixed_struct(depth + 1) if self.rng.random() < 0.6 else self.hfa()
            elif r < 0.22:
                t = self.pointer()
            else:
                t = self.scalar()
            size = Struct("probe", [("f%d" % i, ft) for i, ft in enumerate(fields + [t])]).size
            if size > MAX_STRUCT_SIZE or (size > target and fields):
                if fields and self.rng.random() < 0.5:
                    break
                continue
            fields.append(t)
            if size >= target or self.rng.random() < 0.15:
                break
        if not fields:
            fields = [self.named("u8")]
        return self.new_struct(fields)

    def hfa(self, near=False):
        """An HFA of 1-4 f32 or f64 members, flat or with a nested HFA; with
        near, a struct that looks like one and is not (mixed float widths,
        five members, or a float with an integer)."""
        base = self.named(self.rng.choice(["f32", "f64"]))
        if near:
            kind = self.rng.randrange(3)
            if kind == 0:
                other = self.named("f64" if base.name == "f32" else "f32")
                members = [base, other] + [base] * self.rng.randrange(2)
            elif kind == 1:
                members = [base] * 5
            else:
                members = [base, self.named(self.rng.choice(["i32", "i16", "u8"]))]
                self.rng.shuffle(members)
            return self.new_struct(members)
        n = self.rng.randint(1, 4)
        if n >= 2 and self.rng.random() < 0.35:
            k = self.rng.randint(1, n - 1)
            inner = self.new_struct([base] * k)
            members = [inner] + [base] * (n - k)
            if self.rng.random() < 0.5:
                members.reverse()
            return self.new_struct(members)
        return self.new_struct([base] * n)

    def any_struct(self):
        r = self.rng.random()
        if r < 0.55:
            return self.mixed_struct()
        return self.hfa(near=r > 0.85)

    def any_param(self, structs=0.25, pointers=0.1):
        r = self.rng.random()
        if r < structs:
            return self.any_struct()
        if r < structs + pointers:
            return self.w.cstr() if self.rng.random() < 0.5 else self.pointer()
        return self.scalar()

    def result_type(self, callback=False):
        r = self.rng.random()
        if r < 0.12:
            return None
        if r < 0.3:
            return self.any_struct()
        if r < 0.36 and not callback:
            return self.w.cstr()
        # A callback's pointer result is null (its method returns null).
        if r < 0.4:
            return self.pointer()
        return self.scalar()

    # --- values ------------------------------------------------------------

    def value(self, t):
        rng = self.rng
        if isinstance(t, Struct):
            return [self.value(ft) for _, ft in t.fields]
        if isinstance(t, Pointer):
            return None
        if isinstance(t, CStr):
            return "".join(rng.choice(string.ascii_letters + string.digits + " ") for _ in range(rng.randint(0, 12)))
        if t.cls == "Bool":
            return rng.random() < 0.5
        if t.cls == "Int":
            r = rng.random()
            if r < 0.15:
                return t.lo
            if r < 0.25:
                return t.hi
            if r < 0.35:
                return -1
            if r < 0.75:
                return rng.randint(t.lo, -1)
            return rng.randint(t.lo, t.hi)
        if t.cls == "UInt":
            r = rng.random()
            high = 1 << (t.hi.bit_length() - 1)
            if r < 0.15:
                return t.hi
            if r < 0.75:
                return rng.randint(high, t.hi)
            if r < 0.8:
                return 0
            return rng.randint(0, t.hi)
        if t.cls == "Float":
            return self.float_value(t.name == "f32")
        raise RuntimeError("no values for %r" % t)

    def float_value(self, single):
        rng = self.rng
        r = rng.random()
        if r < 0.12:
            return rng.choice(FLT_SPECIALS if single else DBL_SPECIALS)
        sign = -1.0 if rng.random() < 0.5 else 1.0
        if single and r < 0.4:
            # A double Hako must round to f32.
            return sign * rng.randint(1 << 52, (1 << 53) - 1) * 2.0 ** (rng.randint(-30, 30) - 52)
        if single:
            return sign * rng.randint(1 << 23, (1 << 24) - 1) * 2.0 ** (rng.randint(-40, 40) - 23)
        return sign * rng.randint(1 << 52, (1 << 53) - 1) * 2.0 ** (rng.randint(-80, 80) - 52)

    def vararg(self):
        kind = self.rng.choice(VARARG_KINDS)
        if kind == "int":
            return kind, self.value(self.named("i64"))
        if kind == "float":
            return kind, self.float_value(False)
        if kind == "bool":
            return kind, self.rng.random() < 0.5
        return kind, self.value(self.w.cstr())

    # --- signatures --------------------------------------------------------

    def param_types(self, shape, callback=False):
        """The parameter types and result type of a signature of a shape
        (of a callback: a result type a Hako method can return)."""
        rng = self.rng
        if shape == "scalars":
            return [self.scalar() for _ in range(rng.randint(1, 6))], self.result_type(callback)
        if shape == "structs":
            types = [self.mixed_struct() for _ in range(rng.randint(1, 3))]
            types += [self.scalar() for _ in range(rng.randint(0, 3))]
            rng.shuffle(types)
            return types, self.result_type(callback)
        if shape == "hfa":
            types = [self.hfa(near=rng.random() < 0.2) for _ in range(rng.randint(1, 3))]
            types += [self.named(rng.choice(["f32", "f64"])) for _ in range(rng.randint(0, 4))]
            rng.shuffle(types)
            return types, self.hfa() if rng.random() < 0.6 else self.named(rng.choice(["f32", "f64"]))
        if shape == "many":
            n = rng.randint(9, 20)
            if rng.random() < 0.3:
                # Only one class, so that its registers run out first.
                pool = ["f32", "f64"] if rng.random() < 0.5 else ["i8", "i16", "i32", "i64", "u8", "u16", "bool"]
                return [self.named(rng.choice(pool)) for _ in range(n)], self.result_type(callback)
            return [self.any_param(structs=0.15, pointers=0.05) for _ in range(n)], self.result_type(callback)
        if shape == "struct_result":
            return [self.any_param() for _ in range(rng.randint(0, 4))], self.any_struct()
        if shape == "mixed":
            types = [self.any_param(structs=0.35, pointers=0.15) for _ in range(rng.randint(1, 8))]
            return types, self.result_type(callback)
        raise RuntimeError("unknown shape %s" % shape)

    def case(self, shape):
        rng = self.rng
        varargs = None
        if shape == "varargs":
            types = [self.any_param(structs=0.15) for _ in range(rng.randint(1, 4))]
            # va_start names the last fixed parameter, whose type must not
            # be one the default promotions change.
            if isinstance(types[-1], Scalar) and (types[-1].size < 4 or types[-1].name == "f32"):
                types.append(self.named(rng.choice(["i32", "i64", "f64", "usize"])))
            ret = self.result_type()
            varargs = [self.vararg() for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 12]))]
        elif shape == "callback":
            cb_types, cb_ret = self.param_types(rng.choice(CALLBACK_SHAPES), callback=True)
            cb = Callback(cb_types, cb_ret, [self.value(t) for t in cb_types],
                          self.value(cb_ret) if cb_ret else None)
            types = [self.any_param() for _ in range(rng.randint(0, 3))]
            types.insert(rng.randint(0, len(types)), cb.type)
            ret = self.result_type()
        else:
            types, ret = self.param_types(shape)
        params, args = [], []
        for i, t in enumerate(types):
            if isinstance(t, FnPtr):
                params.append(("cb", t))
                args.append(cb)
            else:
                params.append(("a%d" % i, t))
                args.append(self.value(t))
        result = self.value(ret) if ret is not None else None
        return Case(self.ident, shape, params, ret, args, varargs, result)


def generate(seed, count, first=0, whitelist=None):
    """Cases first .. first+count-1 of a seed."""
    w = whitelist or Whitelist()
    cases = []
    for ident in range(first, first + count):
        rng = random.Random("%d/%d" % (seed, ident))
        g = _Gen(w, rng, ident)
        # Every shape in turn, so that any 8 consecutive cases cover them.
        cases.append(g.case(SHAPES[ident % len(SHAPES)]))
    return cases


def coverage(cases):
    """What a set of cases covers, for the summary line and the checks that
    nothing was left out: scalar type names, shapes, struct sizes."""
    scalars, shapes, sizes = set(), set(), set()

    def visit(t):
        if isinstance(t, Scalar):
            scalars.add(t.name)
        elif isinstance(t, Struct):
            sizes.add(t.size)
            for _, ft in t.fields:
                visit(ft)
        elif isinstance(t, FnPtr):
            for pt in t.params:
                visit(pt)
            if t.ret:
                visit(t.ret)

    for c in cases:
        shapes.add(c.shape)
        for _, t in c.params:
            visit(t)
        if c.ret:
            visit(c.ret)
    return scalars, shapes, sizes
