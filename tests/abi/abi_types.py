"""The C types of Hako's extern declarations, as the ABI tests see them.

The whitelist (names, classes, sizes, alignments and the range of Ints an
argument takes) is read from src/mir/ctypes.def, the one table hakoc itself
reads, so a type added there is either covered here or rejected loudly. What
the table does not say (how C spells a type, which values exercise it) is
defined here.

Values are plain Python data: an int, a float, a bool, None (a null
pointer), a str (a CStr) or a list (a struct, one value per field).
"""

import math
import os
import re
import struct

CTYPES_DEF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "mir", "ctypes.def")

# The range macros ctypes.def uses, as numbers.
_RANGE_MACROS = {
    "0": 0,
    "INT8_MIN": -(1 << 7), "INT8_MAX": (1 << 7) - 1,
    "INT16_MIN": -(1 << 15), "INT16_MAX": (1 << 15) - 1,
    "INT32_MIN": -(1 << 31), "INT32_MAX": (1 << 31) - 1,
    "INT64_MIN": -(1 << 63), "INT64_MAX": (1 << 63) - 1,
    "UINT8_MAX": (1 << 8) - 1, "UINT16_MAX": (1 << 16) - 1,
    "UINT32_MAX": (1 << 32) - 1, "UINT64_MAX": (1 << 64) - 1,
}

# C spellings of the scalar types. The test's C files include no header (the
# signature oracle compiles for targets whose C library is not installed), so
# they declare these names themselves from C's basic types; long long is 64
# bits on every target hakoc supports, long is not (Windows).
C_SCALAR_SPELLING = {
    "i8": "signed char", "i16": "short", "i32": "int", "i64": "long long",
    "u8": "unsigned char", "u16": "unsigned short", "u32": "unsigned int", "u64": "unsigned long long",
    "isize": "__INTPTR_TYPE__", "usize": "__SIZE_TYPE__",
    "f32": "float", "f64": "double", "bool": "_Bool",
}

# Classes of ctypes.def rows and what the generator does with them. Handle
# is left out on purpose: the value C receives is a Hako reference that only
# the runtime's Handle API can inspect, which a callee compiled on its own
# cannot check.
SCALAR_CLASSES = ("Int", "UInt", "Float", "Bool")
HANDLED_CLASSES = SCALAR_CLASSES + ("Void", "CStr", "Pointer", "FnPointer", "Struct")
EXCLUDED_CLASSES = ("Handle",)


class Scalar:
    """An integer, floating-point or bool type of the whitelist."""

    def __init__(self, name, cls, size, align, lo, hi):
        self.name, self.cls, self.size, self.align, self.lo, self.hi = name, cls, size, align, lo, hi

    def hako(self):
        return self.name

    def c(self):
        return "abi_" + self.name

    def __repr__(self):
        return self.name


class Pointer:
    """Ptr<T> or MutPtr<T> (NonNullPtr cannot carry the null pointer, the
    only pointer value a test can make without C's help)."""

    def __init__(self, flavour, pointee, size, align):
        self.flavour, self.pointee, self.size, self.align = flavour, pointee, size, align

    def hako(self):
        return "%s<%s>" % (self.flavour, self.pointee.hako() if self.pointee else "void")

    def c(self):
        return "%s *" % (self.pointee.c() if self.pointee else "void")


class CStr:
    """A NUL-terminated string: a String in Hako, a char pointer in C."""

    def __init__(self, size, align):
        self.size, self.align = size, align

    def hako(self):
        return "CStr"

    def c(self):
        return "const char *"


class Struct:
    """An extern struct: named fields at their natural alignment."""

    def __init__(self, name, fields):
        self.name, self.fields = name, fields
        offset, align = 0, 1
        for _, t in fields:
            offset = (offset + t.align - 1) // t.align * t.align + t.size
            align = max(align, t.align)
        self.size = (offset + align - 1) // align * align
        self.align = align

    def hako(self):
        return self.name

    def c(self):
        return "struct " + self.name

    def nested(self):
        """The structs this one holds by value, innermost first, then itself."""
        out = []
        for _, t in self.fields:
            if isinstance(t, Struct):
                for s in t.nested():
                    if s not in out:
                        out.append(s)
        out.append(self)
        return out

    def __repr__(self):
        return "%s{%s}" % (self.name, ", ".join("%s: %r" % f for f in self.fields))


class Whitelist:
    """The rows of ctypes.def, split by what the tests do with them."""

    def __init__(self, path=CTYPES_DEF):
        row = re.compile(r'^CTYPE\(\s*(\w+),\s*"([^"]+)",\s*(\w+),\s*(\d+),\s*(\d+),\s*(\w+),\s*(\w+)\)')
        self.scalars, self.pointer_flavours = [], []
        self.pointer_size = self.cstr_size = None
        self.seen_classes = set()
        with open(path) as f:
            for line in f:
                m = row.match(line)
                if not m:
                    continue
                _, spelling, cls, size, align, lo, hi = m.groups()
                self.seen_classes.add(cls)
                if cls not in HANDLED_CLASSES + EXCLUDED_CLASSES:
                    raise RuntimeError("ctypes.def: class %s of %s is unknown to the ABI tests" % (cls, spelling))
                if lo not in _RANGE_MACROS or hi not in _RANGE_MACROS:
                    raise RuntimeError("ctypes.def: unknown range %s..%s of %s" % (lo, hi, spelling))
                if cls in SCALAR_CLASSES:
                    if spelling not in C_SCALAR_SPELLING:
                        raise RuntimeError("ctypes.def: the ABI tests have no C spelling for %s" % spelling)
                    self.scalars.append(Scalar(spelling, cls, int(size), int(align),
                                               _RANGE_MACROS[lo], _RANGE_MACROS[hi]))
                elif cls == "Pointer":
                    self.pointer_size = (int(size), int(align))
                    if spelling != "NonNullPtr":
                        self.pointer_flavours.append(spelling)
                elif cls == "CStr":
                    self.cstr_size = (int(size), int(align))
        missing = set(HANDLED_CLASSES) - self.seen_classes
        if missing or not self.scalars:
            raise RuntimeError("ctypes.def: no rows of class %s" % ", ".join(sorted(missing)))

    def scalar(self, name):
        for s in self.scalars:
            if s.name == name:
                return s
        raise KeyError(name)

    def pointer(self, flavour, pointee):
        return Pointer(flavour, pointee, *self.pointer_size)

    def cstr(self):
        return CStr(*self.cstr_size)


def round_f32(x):
    """x rounded to the nearest f32 (ties to even), as a Python float."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def hako_literal(t, v):
    """The Hako expression of value v of type t (an argument: f32 values are
    written as generated, and Hako rounds them)."""
    if isinstance(t, Struct):
        return "new %s(%s)" % (t.name, ", ".join(hako_literal(ft, fv) for (_, ft), fv in zip(t.fields, v)))
    if isinstance(t, Pointer):
        return "null"
    if isinstance(t, CStr):
        return '"%s"' % v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        # The most negative Int has no literal (its negation overflows).
        return "(%d - 1)" % (v + 1) if v == -(1 << 63) else str(v)
    return _float_text(v)


def hako_expected(t, v):
    """The Hako expression of the value a Hako program receives when C passes
    or returns v (an f32 arrives exactly as C holds it)."""
    if isinstance(t, Scalar) and t.name == "f32":
        return _float_text(round_f32(v))
    return hako_literal(t, v)


def _float_text(x):
    if not math.isfinite(x):
        raise ValueError("non-finite test value %r" % x)
    return repr(x)


def c_literal(t, v):
    """The C expression of value v of type t (braces for a struct, as an
    initializer)."""
    if isinstance(t, Struct):
        return "{%s}" % ", ".join(c_literal(ft, fv) for (_, ft), fv in zip(t.fields, v))
    if isinstance(t, Pointer):
        return "0"
    if isinstance(t, CStr):
        return '"%s"' % v
    if t.cls == "Bool":
        return "1" if v else "0"
    if t.cls == "Float":
        return round_f32(v).hex() + "f" if t.name == "f32" else v.hex()
    if t.cls == "Int":
        # The most negative long long has no literal (its negation overflows).
        text = "(-%dLL - 1)" % (-(v + 1)) if v == -(1 << 63) else "%dLL" % v
        return "(%s)%s" % (t.c(), text)
    return "(%s)%dULL" % (t.c(), v)


def c_value(t, v):
    """A C expression of type t with value v (a compound literal for a
    struct)."""
    if isinstance(t, Struct):
        return "(%s)%s" % (t.c(), c_literal(t, v))
    return c_literal(t, v)


def leaves(t, v, path):
    """(path, scalar type, value) of every non-struct field of a value, in
    order; path is the access path from the value's name."""
    if isinstance(t, Struct):
        out = []
        for (fname, ft), fv in zip(t.fields, v):
            out.extend(leaves(ft, fv, path + "." + fname))
        return out
    return [(path, t, v)]
