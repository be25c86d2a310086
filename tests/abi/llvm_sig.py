"""Function signatures in LLVM IR text, reduced to what the C ABI depends on.

A declaration, definition or call line is parsed into a Sig and printed in
a normal form that keeps:

  * the calling convention (ccc, the default, is dropped);
  * the result's and each argument's type, named struct types replaced by
    their bodies (struct names are not part of the ABI);
  * the attributes that change how a value is passed: signext, zeroext,
    inreg, sret, byval, byref, inalloca, preallocated, alignstack, swift*,
    nest, and align together with an in-memory one of these;
  * `...` and, for a call, every argument actually passed;

and drops value names, linkage, noundef and the other attributes that only
inform optimisation (noalias, nonnull, dead_on_unwind, writable, ...).
Two further reductions say the same thing twice less:

  * sret/byval/byref(T) become the size of T in bytes, and their `align`
    defaults to T's ABI alignment when absent (what LLVM assumes then);
  * an aggregate returned directly is compared by its leaf types in order,
    since LLVM assigns return registers leaf by leaf: `[3 x float]` and
    `{ float, { float, float } }` are the same result. Arguments are not
    flattened: an array argument is kept in consecutive registers on
    AArch64 where a struct's leaves are not.

Anything this module does not know (a keyword, an attribute, a type) is an
error, not silently dropped.
"""

import re

CALLING_CONVENTIONS = {
    "fastcc", "coldcc", "webkit_jscc", "anyregcc", "preserve_mostcc", "preserve_allcc", "swiftcc", "swifttailcc",
    "tailcc", "cfguard_checkcc", "x86_stdcallcc", "x86_fastcallcc", "x86_thiscallcc", "x86_vectorcallcc",
    "x86_regcallcc", "x86_64_sysvcc", "win64cc", "aarch64_vector_pcs", "aarch64_sve_vector_pcs", "arm_aapcscc",
    "arm_aapcs_vfpcc", "arm_apcscc",
}
# Words before the result type that carry no ABI meaning.
PREFIX_NOISE = {
    "declare", "define", "call", "tail", "musttail", "notail", "internal", "private", "external", "dso_local",
    "dso_preemptable", "hidden", "protected", "default", "dllimport", "dllexport", "extern_weak", "weak",
    "linkonce", "linkonce_odr", "weak_odr", "available_externally", "local_unnamed_addr", "unnamed_addr",
    "fast", "nnan", "ninf", "nsz", "arcp", "contract", "afn", "reassoc", "ccc",
}
# Parameter and result attributes the ABI depends on, and those it does not.
KEPT_ATTRS = {"signext", "zeroext", "inreg", "sret", "byval", "byref", "inalloca", "preallocated", "align",
              "alignstack", "swiftself", "swifterror", "swiftasync", "nest"}
IN_MEMORY_ATTRS = ("sret", "byval", "byref", "inalloca", "preallocated")
DROPPED_ATTRS = {"noundef", "noalias", "nocapture", "nonnull", "dead_on_unwind", "writable", "readonly", "readnone",
                 "writeonly", "dereferenceable", "dereferenceable_or_null", "nofree", "immarg", "returned",
                 "nofpclass", "range", "initializes", "captures", "noext", "allocalign", "allocptr"}
ATTR_ORDER = ("inreg", "signext", "zeroext", "sret", "byval", "byref", "inalloca", "preallocated", "align",
              "alignstack", "swiftself", "swifterror", "swiftasync", "nest")

_SCALAR_SIZES = {"half": 2, "bfloat": 2, "float": 4, "double": 8, "fp128": 16, "x86_fp80": 16, "ptr": 8}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_NAMED = re.compile(r'%(?:"[^"]*"|[-A-Za-z$._0-9]+)')
_TYPE_DEF = re.compile(r'^(%(?:"[^"]*"|[-A-Za-z$._0-9]+)) = type (.*)$')


class IRError(Exception):
    """IR text this module cannot reduce."""


class _Parser:
    def __init__(self, text, types):
        self.s, self.i, self.types = text, 0, types

    def ws(self):
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def peek(self, n=1):
        self.ws()
        return self.s[self.i:self.i + n]

    def expect(self, tok):
        self.ws()
        if not self.s.startswith(tok, self.i):
            raise IRError("expected %r at %r" % (tok, self.s[self.i:self.i + 40]))
        self.i += len(tok)

    def word(self):
        self.ws()
        m = _WORD.match(self.s, self.i)
        return m.group(0) if m else None

    def take_word(self):
        w = self.word()
        if w is None:
            raise IRError("expected a word at %r" % self.s[self.i:self.i + 40])
        self.i += len(w)
        return w

    def number(self):
        self.ws()
        m = re.compile(r"\d+").match(self.s, self.i)
        if not m:
            raise IRError("expected a number at %r" % self.s[self.i:self.i + 40])
        self.i = m.end()
        return int(m.group(0))

    def balanced(self, open_, close):
        """The text between a bracket at the cursor and its match."""
        self.expect(open_)
        depth, start = 1, self.i
        while depth:
            if self.i >= len(self.s):
                raise IRError("unbalanced %s" % open_)
            c = self.s[self.i]
            if c == '"':
                self.i = self.s.index('"', self.i + 1)
            elif c == open_:
                depth += 1
            elif c == close:
                depth -= 1
            self.i += 1
        return self.s[start:self.i - 1]

    def type(self):
        """A type: ('int', bits) ('fp', name) ('ptr',) ('void',) ('struct',
        packed, members) ('array', n, elem) ('vector', n, elem), with named
        types replaced by their bodies."""
        c = self.peek()
        if c == "{":
            return self._members("{", "}", False)
        if self.peek(2) == "<{":
            self.expect("<")
            t = self._members("{", "}", True)
            self.expect(">")
            return t
        if c in "[<":
            self.expect(c)
            n = self.number()
            self.expect("x")
            elem = self.type()
            self.expect("]" if c == "[" else ">")
            return ("array" if c == "[" else "vector", n, elem)
        if c == "%":
            m = _NAMED.match(self.s, self.i)
            self.i = m.end()
            name = m.group(0)
            if name not in self.types:
                raise IRError("unknown named type %s" % name)
            return _Parser(self.types[name], self.types).type()
        w = self.take_word()
        if re.fullmatch(r"i\d+", w):
            return ("int", int(w[1:]))
        if w in ("half", "bfloat", "float", "double", "fp128", "x86_fp80"):
            return ("fp", w)
        if w == "ptr":
            if self.word() == "addrspace":
                raise IRError("pointers in other address spaces are not expected")
            return ("ptr",)
        if w == "void":
            return ("void",)
        raise IRError("unknown type %s" % w)

    def _members(self, open_, close, packed):
        self.expect(open_)
        members = []
        if self.peek() != close:
            members.append(self.type())
            while self.peek() == ",":
                self.expect(",")
                members.append(self.type())
        self.expect(close)
        return ("struct", packed, tuple(members))

    def attrs(self, before_type=False):
        """Attributes up to a value, a comma or the end (before_type: up to
        the result type): kept ones as {name: argument or None}."""
        kept = {}
        while True:
            w = self.word()
            if w is None or w not in KEPT_ATTRS | DROPPED_ATTRS:
                if w is not None and not before_type and not _is_value_word(w):
                    raise IRError("unknown attribute %s" % w)
                return kept
            self.take_word()
            arg = None
            if w in ("align", "alignstack") and self.peek() != "(":
                arg = self.number()
            elif w in ("dereferenceable", "dereferenceable_or_null") or self.peek() == "(":
                arg = self.balanced("(", ")")
                if w in ("sret", "byval", "byref", "inalloca", "preallocated"):
                    arg = _Parser(arg, self.types).type()
                elif w == "alignstack":
                    arg = int(arg)
            if w in KEPT_ATTRS:
                kept[w] = arg


def _is_value_word(w):
    return w in ("true", "false", "null", "undef", "poison", "zeroinitializer", "none", "c", "getelementptr",
                 "bitcast", "inttoptr", "ptrtoint", "blockaddress", "dso_local_equivalent", "no_cfi", "splat")


def _split_top(text):
    """Split at commas outside brackets and quotes."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            i = text.index('"', i + 1)
        elif c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    if text[start:].strip():
        parts.append(text[start:])
    return [p.strip() for p in parts]


def size_align(t):
    """Size and ABI alignment in bytes of a type on the 64-bit targets."""
    kind = t[0]
    if kind == "int":
        p = 1
        while p * 8 < t[1]:
            p *= 2
        return p, min(p, 16)
    if kind == "fp" or kind == "ptr":
        s = _SCALAR_SIZES[t[1] if kind == "fp" else "ptr"]
        return s, s
    if kind == "array":
        s, a = size_align(t[2])
        return s * t[1], a
    if kind == "vector":
        s, _ = size_align(t[2])
        total = s * t[1]
        p = 1
        while p < total:
            p *= 2
        return p, p
    if kind == "struct":
        off, align = 0, 1
        for m in t[2]:
            s, a = size_align(m)
            if t[1]:
                a = 1
            off = (off + a - 1) // a * a + s
            align = max(align, a)
        return (off + align - 1) // align * align, align
    raise IRError("no size for %r" % (t,))


def type_text(t):
    kind = t[0]
    if kind == "int":
        return "i%d" % t[1]
    if kind == "fp":
        return t[1]
    if kind in ("ptr", "void"):
        return kind
    if kind == "array":
        return "[%d x %s]" % (t[1], type_text(t[2]))
    if kind == "vector":
        return "<%d x %s>" % (t[1], type_text(t[2]))
    body = "{ %s }" % ", ".join(type_text(m) for m in t[2]) if t[2] else "{}"
    return "<%s>" % body if t[1] else body


def _leaves(t):
    if t[0] == "struct":
        return [leaf for m in t[2] for leaf in _leaves(m)]
    if t[0] == "array":
        return _leaves(t[2]) * t[1]
    return [t]


class Value:
    """A result or argument: its type and kept attributes, normalised."""

    def __init__(self, t, attrs, is_result=False):
        if is_result and t[0] in ("struct", "array"):
            t = ("struct", False, tuple(_leaves(t)))
        self.type = t
        norm = {}
        mem = [a for a in IN_MEMORY_ATTRS if a in attrs]
        for name, arg in attrs.items():
            if name in IN_MEMORY_ATTRS:
                norm[name] = "%d" % size_align(arg)[0] if arg is not None else ""
            elif name == "align":
                if mem:
                    norm[name] = arg
            else:
                norm[name] = arg
        if mem and "align" not in norm and attrs[mem[0]] is not None:
            norm["align"] = size_align(attrs[mem[0]])[1]
        self.attrs = norm

    def text(self):
        parts = []
        for a in ATTR_ORDER:
            if a in self.attrs:
                arg = self.attrs[a]
                if a == "align":
                    parts.append("align %d" % arg)
                elif arg in (None, ""):
                    parts.append(a)
                else:
                    parts.append("%s(%s)" % (a, arg))
        if self.is_result_like():
            return " ".join(parts + [type_text(self.type)])
        return " ".join([type_text(self.type)] + parts)

    def is_result_like(self):
        return False


class Result(Value):
    def __init__(self, t, attrs):
        super().__init__(t, attrs, is_result=True)

    def is_result_like(self):
        return True


class Sig:
    """A normalised signature (declare/define) or call."""

    def __init__(self, cc, ret, params, variadic, fixed=None):
        self.cc, self.ret, self.params, self.variadic, self.fixed = cc, ret, params, variadic, fixed

    def text(self, name, kind):
        """The normal form, as a `kind` (declare, define or call) line."""
        call = kind == "call"
        args = [p.text() for p in self.params]
        if self.variadic and not call:
            args.append("...")
        head = kind + " " + (self.cc + " " if self.cc else "")
        fnty = ""
        if call and self.variadic:
            fnty = " (%s)" % ", ".join([type_text(t) for t in self.fixed] + ["..."])
        return "%s%s%s @%s(%s)" % (head, self.ret.text(), fnty, name, ", ".join(args))


def named_types(module):
    """The bodies of a module's named types."""
    types = {}
    for line in module.splitlines():
        m = _TYPE_DEF.match(line)
        if m:
            types[m.group(1)] = m.group(2)
    return types


def _parse(line, name_pos, types, call):
    """The Sig of a declare/define/call line whose callee name starts at
    name_pos (at the `@`)."""
    head = line[:name_pos]
    if call:
        head = head[head.index("call ") :]
    p = _Parser(head, types)
    cc, ret_attrs = "", {}
    fixed, variadic = None, False
    while True:
        w = p.word()
        if w in PREFIX_NOISE:
            p.take_word()
        elif w in CALLING_CONVENTIONS:
            cc = p.take_word()
        elif w == "cc":
            p.take_word()
            cc = "cc %d" % p.number()
        elif w in KEPT_ATTRS | DROPPED_ATTRS:
            ret_attrs.update(p.attrs(before_type=True))
        else:
            break
    ret = p.type()
    if call and p.peek() == "(":
        fixed_text = _split_top(p.balanced("(", ")"))
        variadic = fixed_text and fixed_text[-1] == "..."
        fixed = [_Parser(t, types).type() for t in fixed_text if t != "..."]
    if p.peek():
        raise IRError("unexpected %r before the callee" % p.s[p.i:])
    rest = _Parser(line[name_pos:], types)
    m = re.compile(r'@(?:"[^"]*"|[-A-Za-z$._0-9]+)').match(rest.s)
    rest.i = m.end()
    params = []
    for arg in _split_top(rest.balanced("(", ")")):
        if arg == "...":
            variadic = True
            continue
        ap = _Parser(arg, types)
        t = ap.type()
        params.append(Value(t, ap.attrs()))
    return Sig(cc, Result(ret, ret_attrs), params, variadic, fixed)


def find(module, name, kind):
    """The Sig of the declare or define of function name (an exact name, or
    a compiled regex matching it), or of the call of it (kind "call");
    None when the module has none. Two lines of the kind for one name are an
    error."""
    types = named_types(module)
    pattern = name if hasattr(name, "match") else re.compile(re.escape("@" + name) + r"\(")
    found = None
    for line in module.splitlines():
        stripped = line.strip()
        if kind == "call":
            if " call " not in " " + stripped + " " and not stripped.startswith("call "):
                continue
        elif not stripped.startswith(kind + " "):
            continue
        m = pattern.search(stripped)
        if not m:
            continue
        if found is not None:
            raise IRError("more than one %s of %s" % (kind, getattr(name, "pattern", name)))
        found = _parse(stripped, m.start(), types, kind == "call")
    return found
