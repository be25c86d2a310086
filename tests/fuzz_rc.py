#!/usr/bin/env python3
"""Differential fuzz test for reference counting (Python 3 standard library only).

Generates seeded, deterministic, random but valid Hako programs that stress
ownership (boxes in fields, arrays and maps, reassignment in loops, early
exits, block expressions, fini blocks, static-box globals, weak fields and
WeakRef locals with their upgrades), runs each on the
VM with --leak-check and as a native -O0 executable (and -O2 for every 4th
program) with REML_LEAK_CHECK=1, and requires:

  * exit status 0 everywhere,
  * identical stdout, stderr and exit status between the VM and native code,
  * the leak report `leak-check: 0 objects live at exit` as stderr's last line.

Programs are acyclic by construction: Leaf holds only Ints and Strings, Pair
holds Leafs, Bag holds a Pair and containers of Leafs, and containers only
ever hold Leafs, so the type layering rules out strong cycles. Weak links
may point anywhere (Leaf.owner at any box, Pair.home at a Bag, usually the
one holding it, and WeakRef locals at Leafs), since a WeakRef holds no strong reference and so
cannot close a cycle. A weak field is only ever assigned `weak E` (E a box
expression that is not parenthesised, as `weak` requires), another weak
field or null; it is upgraded only after a null check, and a WeakRef local
is never null, so its upgrade is always callable. Whether an upgrade is
null is printed (reference counting is exact, so it is deterministic and
must agree between the VM and native code), and some upgrades follow the
drop of the target's binding. Indices go
through Util.idx, lookups that may miss go through Util.lookup, and only
values that can be null are printed or compared (never called), so no
program ends in a runtime error. Every loop has a bounded counter and the
generator keeps a cost estimate per function, so each program runs quickly.

A failing program is written to --keep-failures DIR (default: a fresh
temporary directory) with the reasons next to it, and its seed is printed;
`--seed S --count 1` regenerates program S alone. The last line printed is
`N passed, M failed`; the exit status is 1 when a program failed.
"""

import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile

DEFAULT_SEED = 20240611
CLEAN_REPORT = "leak-check: 0 objects live at exit"
DEBUG_NOTE = b"note: process "
TIMEOUT = 20.0
BUILD_TIMEOUT = 120.0

INT, STR, LEAF, PAIR, BAG, ARR, MAP, ANY = "int", "str", "leaf", "pair", "bag", "arr", "map", "any"
# A WeakRef to a Leaf (never null; its target may be gone).
WLEAF = "wleaf"
# Kinds a generated binding, parameter or helper result may have.
VALUE_TYPES = (INT, STR, LEAF, PAIR, BAG, ARR, MAP)
LOCAL_TYPES = VALUE_TYPES + (ANY, WLEAF)
# Kinds `weak` may be applied to: every box kind.
BOX_TYPES = (LEAF, PAIR, BAG, ARR, MAP)
# Cost units a function body may spend (statements times loop trips); main
# gets more. Calls to helpers charge the callee's estimate.
HELPER_BUDGET = 300
MAIN_BUDGET = 6000
MAX_LOOP_DEPTH = 3
ARRAY_CAP = 10  # arrays stay short so printing and scanning them stays cheap

# The fixed part of every program: the boxes the random code works on. The
# helpers keep generated code free of runtime errors (Util.idx, Util.at,
# Util.lookup) and strings short (Util.clip); they also return parameters,
# fields, container elements and fresh boxes, which is part of the point.
PRELUDE = """\
box Leaf {
    v
    s
    weak owner
    birth(v, s) { me.v = v; me.s = s }
    setOwner(w) {
        me.owner = w
        return me
    }
    // 0: no owner, 1: the owner was dropped, 2: the owner is alive.
    ownerState() {
        if me.owner == null { return 0 }
        if me.owner.weak_to_strong() == null { return 1 }
        return 2
    }
    getV() { return me.v }
    getS() { return me.s }
    bump(k) { me.v = me.v + k; return me }
    withS(t) { return new Leaf(me.v + 1, Util.clip(me.s + t)) }
    pick(t, flag) { return flag > 0 ? me.s : t }
    toString() { return "L(" + me.v + "," + me.s + ")" }
}
box Pair {
    a
    b
    weak home
    birth(a, b) { me.a = a; me.b = b }
    homeTag() {
        if me.home == null { return "nohome" }
        local h = me.home.weak_to_strong()
        if h == null { return "gone" }
        return h.tag
    }
    first() { return me.a }
    second() { return me.b }
    swap() { return new Pair(me.b, me.a) }
    setA(x) {
        local old = me.a
        me.a = x
        return old
    }
    sum() { return me.a.v + me.b.v }
    toString() { return "P[" + me.a + "|" + me.b + "]" }
}
box Bag {
    items
    index
    tag
    pair
    birth(t) {
        me.items = new ArrayBox()
        me.index = new MapBox()
        me.tag = t
        me.pair = new Pair(new Leaf(0, "p0"), new Leaf(1, "p1"))
        me.pair.home = weak me
    }
    adopt(l) {
        l.owner = weak me
        return l
    }
    add(l) {
        me.items.push(l)
        me.index.set(Util.key(l.v), l)
        if me.items.length() > 8 { me.items.remove(0) }
        return me.items.length()
    }
    take() { return me.items.pop() }
    find(k) { return Util.lookup(me.index, k) }
    total() {
        local sum = 0
        local i = 0
        loop(i < me.items.length()) {
            local it = me.items.get(i)
            i = i + 1
            if it.v % 3 == 1 { continue }
            sum = sum + it.v
            if sum > 1000000 { return sum }
        }
        return sum
    }
    rename(t) {
        me.tag = Util.clip(me.tag + t)
        return me.tag
    }
    repair() {
        me.pair = new Pair(Util.at(me.items, 0), Util.at(me.items, 1))
        me.pair.home = weak me
        return me.pair
    }
}
static box Util {
    clip(t) {
        if t.length() > 40 { return t.substring(t.length() - 12) }
        return t
    }
    idx(i, n) {
        if n <= 0 { return 0 }
        local r = i % n
        if r < 0 { r = r + n }
        return r
    }
    at(arr, i) {
        if arr.length() == 0 { return new Leaf(0, "empty") }
        return arr.get(Util.idx(i, arr.length()))
    }
    lookup(m, k) {
        local g = m.get(k)
        if g == null { return new Leaf(-1, k) }
        return g
    }
    same(x) { return x }
    key(i) { return "k" + Util.idx(i, 5) }
}
static box G {
    cur
    pair
    bag
    log
}
"""

MAIN_SETUP = """\
        G.cur = new Leaf(7, "g")
        G.pair = new Pair(new Leaf(1, "a"), new Leaf(2, "b"))
        G.bag = new Bag("bag")
        G.log = new ArrayBox()
"""

MAIN_SUMMARY = """\
        print("summary")
        print(G.cur)
        print(G.pair)
        print(G.bag.total())
        print(G.bag.tag)
        print(G.log.length())
        return 0
"""

STRING_POOL = ('"a"', '"bc"', '"xyz"', '"k1"', '"-"', '""', '"q7"', '"long-ish"')


class Ctx:
    """Where a statement is generated: the visible bindings (innermost scope
    last), what jumps are allowed, and the current trip-count multiplier."""

    def __init__(self, fn, ret_type):
        self.fn = fn
        self.ret_type = ret_type  # None in main (returns 0)
        self.scopes = [{}]
        self.readonly = set()
        self.loop_depth = 0
        self.mult = 1
        self.in_fini = False
        self.in_block_expr = False

    def visible(self, t):
        names = []
        seen = set()
        for scope in reversed(self.scopes):
            for name, ty in scope.items():
                if name not in seen:
                    seen.add(name)
                    if ty == t:
                        names.append(name)
        return sorted(names)

    def assignable(self):
        out = []
        for scope in self.scopes:
            for name, ty in scope.items():
                if name not in self.readonly:
                    out.append((name, ty))
        return out


class Func:
    """One generated helper: Main.fN(params) returning ret."""

    def __init__(self, name, params, ret):
        self.name = name
        self.params = params  # [(name, type)]
        self.ret = ret
        self.cost = 1
        self.body = []


class Generator:
    """Builds one program from one seed; the same seed gives the same text."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.counter = 0
        self.funcs = []
        self.cost = 0  # cost of the function being generated
        self.budget = 0
        self.callable = []  # helpers the current function may call

    def fresh(self, prefix):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    def chance(self, p):
        return self.r.random() < p

    def spend(self, ctx, units):
        self.cost += units * ctx.mult

    def affordable(self, ctx, units):
        return self.cost + units * ctx.mult <= self.budget

    # --- expressions ---------------------------------------------------------

    def recv(self, ctx, t, depth):
        """A receiver of type t: a plain name when one is handy, else a
        parenthesised expression."""
        names = ctx.visible(t)
        if names and self.chance(0.6):
            return self.r.choice(names)
        if t == LEAF and self.chance(0.2):
            return "G.cur"
        if t == PAIR and self.chance(0.2):
            return "G.pair"
        if t == BAG and self.chance(0.3):
            return "G.bag"
        return "(" + self.expr(ctx, t, depth) + ")"

    def stored_str(self, ctx, depth):
        """A String that may be stored: clipped unless it is short already."""
        e = self.expr(ctx, STR, depth)
        if e.startswith('"') or e in ctx.visible(STR):
            return e
        return "Util.clip(" + e + ")"

    def helper_call(self, ctx, t, depth):
        choices = [f for f in self.callable if f.ret == t and self.affordable(ctx, f.cost)]
        if not choices:
            return None
        return self.call_text(ctx, self.r.choice(choices), depth)

    def call_text(self, ctx, f, depth):
        self.spend(ctx, f.cost)
        args = []
        for _, pt in f.params:
            args.append(self.stored_str(ctx, depth - 1) if pt == STR else self.expr(ctx, pt, depth - 1))
        return "Main.%s(%s)" % (f.name, ", ".join(args))

    def cond(self, ctx, depth):
        d = depth - 1
        k = self.r.randrange(12)
        if k == 7:
            return "%s.owner == null" % self.recv(ctx, LEAF, d)
        if k == 8:
            return "%s == %s" % (self.recv(ctx, WLEAF, d), self.recv(ctx, WLEAF, d))
        if k == 0 and depth > 0:
            op = self.r.choice(("&&", "||"))
            return "(%s %s %s)" % (self.cond(ctx, d), op, self.cond(ctx, d))
        if k == 1:
            return "%s.length() > %d" % (self.recv(ctx, STR, d), self.r.randrange(0, 8))
        if k == 2:
            return "%s == %s" % (self.recv(ctx, LEAF, d), self.recv(ctx, LEAF, d))
        if k == 3:
            return "%s.has(Util.key(%s))" % (self.recv(ctx, MAP, d), self.expr(ctx, INT, d))
        if k == 4:
            return "%s.contains(%s)" % (self.recv(ctx, ARR, d), self.expr(ctx, LEAF, d))
        if k == 5:
            return "%s == %s" % (self.expr(ctx, STR, d), self.expr(ctx, STR, d))
        if k == 6 and depth > 0:
            return "!(%s)" % self.cond(ctx, d)
        op = self.r.choice(("<", "<=", ">", ">=", "==", "!="))
        return "%s %s %s" % (self.expr(ctx, INT, d), op, self.expr(ctx, INT, d))

    def block_expr(self, ctx, t, depth):
        """`({ local t = e; simple statements; result })`, sometimes with a
        fini block."""
        name = self.fresh("t")
        init = self.stored_str(ctx, depth - 1) if t == STR else self.expr(ctx, t, depth - 1)
        ctx.scopes.append({})
        saved = ctx.in_block_expr
        ctx.in_block_expr = True
        parts = ["local %s = %s" % (name, init)]
        ctx.scopes[-1][name] = t
        for _ in range(self.r.randrange(0, 3)):
            s = self.simple_stmt(ctx, depth - 1)
            if s:
                parts.append(s)
        if self.chance(0.3):
            parts.append("fini { %s }" % self.fini_stmt(ctx))
        if t == INT:
            result = "%s * 2 + 1" % name
        elif t == STR:
            result = '%s + "!"' % name
        elif t == LEAF and self.chance(0.5):
            result = "%s.bump(1)" % name
        else:
            result = name
        parts.append(result)
        ctx.in_block_expr = saved
        ctx.scopes.pop()
        return "({ " + "; ".join(parts) + " })"

    def expr(self, ctx, t, depth):
        """An expression of generator type t that cannot fail at run time."""
        self.spend(ctx, 0.2)
        if depth <= 0 or self.chance(0.25):
            return self.leaf_expr(ctx, t)
        d = depth - 1
        if self.chance(0.08):
            return self.block_expr(ctx, t, depth)
        if self.chance(0.08) and t != ANY:
            return "(%s ? %s : %s)" % (self.cond(ctx, d), self.expr(ctx, t, d), self.expr(ctx, t, d))
        if self.chance(0.1):
            call = self.helper_call(ctx, t, depth)
            if call:
                return call
        if self.chance(0.05) and t != ANY:
            return "Util.same(%s)" % self.expr(ctx, t, d)
        return getattr(self, "expr_" + t)(ctx, d)

    def leaf_expr(self, ctx, t):
        """A shallow expression: a visible binding or a literal/constructor."""
        names = ctx.visible(t)
        if names and self.chance(0.7):
            return self.r.choice(names)
        if t == INT:
            return str(self.r.randrange(-5, 20))
        if t == STR:
            return self.r.choice(STRING_POOL)
        if t == LEAF:
            return self.r.choice(("new Leaf(%d, %s)" % (self.r.randrange(0, 9), self.r.choice(STRING_POOL)),
                                  "G.cur"))
        if t == PAIR:
            return self.r.choice(("new Pair(new Leaf(3, \"l\"), new Leaf(4, \"r\"))", "G.pair"))
        if t == BAG:
            return self.r.choice(('new Bag("b")', "G.bag"))
        if t == ARR:
            return "new ArrayBox()"
        if t == MAP:
            return "new MapBox()"
        if t == WLEAF:
            return "weak " + self.r.choice(ctx.visible(LEAF) + ["G.cur", "new Leaf(%d, %s)" % (
                self.r.randrange(0, 9), self.r.choice(STRING_POOL))])
        return "null"

    def expr_int(self, ctx, d):
        k = self.r.randrange(13)
        if k == 0:
            return "(%s %s %s)" % (self.expr(ctx, INT, d), self.r.choice("+-*"), self.expr(ctx, INT, d))
        if k == 1:
            return "(%s %% %d)" % (self.expr(ctx, INT, d), self.r.randrange(2, 8))
        if k == 2:
            return "%s.v" % self.recv(ctx, LEAF, d)
        if k == 3:
            return "%s.getV()" % self.recv(ctx, LEAF, d)
        if k == 4:
            return "%s.length()" % self.recv(ctx, STR, d)
        if k == 5:
            return "%s.length()" % self.recv(ctx, ARR, d)
        if k == 6:
            return "%s.size()" % self.recv(ctx, MAP, d)
        if k == 7:
            return "%s.sum()" % self.recv(ctx, PAIR, d)
        if k == 8 and self.affordable(ctx, 10):
            self.spend(ctx, 10)
            return "%s.total()" % self.recv(ctx, BAG, d)
        if k == 9:
            return "%s.add(%s)" % (self.recv(ctx, BAG, d), self.expr(ctx, LEAF, d))
        if k == 10:
            return "(%s + %s)" % (self.expr(ctx, INT, d), self.expr(ctx, INT, d))
        if k == 11:
            return "%s.ownerState()" % self.recv(ctx, LEAF, d)
        return self.leaf_expr(ctx, INT)

    def expr_str(self, ctx, d):
        k = self.r.randrange(14)
        if k == 0:
            return "(%s + %s)" % (self.expr(ctx, STR, d), self.expr(ctx, STR, d))
        if k == 1:
            return "(%s + %s)" % (self.expr(ctx, STR, d), self.expr(ctx, INT, d))
        if k == 2:
            return "%s.s" % self.recv(ctx, LEAF, d)
        if k == 3:
            return "%s.getS()" % self.recv(ctx, LEAF, d)
        if k == 4:
            return "%s.pick(%s, %s)" % (self.recv(ctx, LEAF, d), self.expr(ctx, STR, d), self.expr(ctx, INT, d))
        if k == 5:
            return "%s.rename(%s)" % (self.recv(ctx, BAG, d), self.r.choice(STRING_POOL))
        if k == 6:
            return "%s.substring(%d, %d)" % (self.recv(ctx, STR, d), self.r.randrange(0, 3), self.r.randrange(0, 9))
        if k == 7:
            return "%s.toUpper()" % self.recv(ctx, STR, d)
        if k == 8:
            return "%s.toString()" % self.recv(ctx, LEAF, d)
        if k == 9:
            return '("<" + %s + ">")' % self.expr(ctx, self.r.choice((LEAF, PAIR)), d)
        if k == 10 and self.affordable(ctx, 10):
            self.spend(ctx, 10)
            return 'Util.clip(%s.join(","))' % self.recv(ctx, ARR, d)
        if k == 11:
            return "Util.key(%s)" % self.expr(ctx, INT, d)
        if k == 12:
            return "%s.tag" % self.recv(ctx, BAG, d)
        if k == 13 and self.chance(0.5):
            return "%s.homeTag()" % self.recv(ctx, PAIR, d)
        return self.leaf_expr(ctx, STR)

    def expr_leaf(self, ctx, d):
        k = self.r.randrange(14)
        if k == 0:
            return "new Leaf(%s, %s)" % (self.expr(ctx, INT, d), self.stored_str(ctx, d))
        if k == 1:
            return "%s.bump(%s)" % (self.recv(ctx, LEAF, d), self.expr(ctx, INT, d))
        if k == 2:
            return "%s.withS(%s)" % (self.recv(ctx, LEAF, d), self.expr(ctx, STR, d))
        if k == 3:
            return "%s.%s()" % (self.recv(ctx, PAIR, d), self.r.choice(("first", "second")))
        if k == 4:
            return "%s.%s" % (self.recv(ctx, PAIR, d), self.r.choice("ab"))
        if k == 5:
            return "%s.setA(%s)" % (self.recv(ctx, PAIR, d), self.expr(ctx, LEAF, d))
        if k == 6:
            return "Util.at(%s, %s)" % (self.expr(ctx, ARR, d), self.expr(ctx, INT, d))
        if k == 7:
            return "Util.lookup(%s, Util.key(%s))" % (self.expr(ctx, MAP, d), self.expr(ctx, INT, d))
        if k == 8:
            return "%s.find(Util.key(%s))" % (self.recv(ctx, BAG, d), self.expr(ctx, INT, d))
        if k == 9:
            return "G.cur"
        if k == 10:
            return "%s.adopt(%s)" % (self.recv(ctx, BAG, d), self.expr(ctx, LEAF, d))
        if k == 11:
            return "%s.setOwner(%s)" % (self.recv(ctx, LEAF, d), self.weak_value(ctx, d))
        return self.leaf_expr(ctx, LEAF)

    def expr_pair(self, ctx, d):
        k = self.r.randrange(7)
        if k == 0:
            return "new Pair(%s, %s)" % (self.expr(ctx, LEAF, d), self.expr(ctx, LEAF, d))
        if k == 1:
            return "%s.swap()" % self.recv(ctx, PAIR, d)
        if k == 2:
            return "%s.repair()" % self.recv(ctx, BAG, d)
        if k == 3:
            return "%s.pair" % self.recv(ctx, BAG, d)
        if k == 4:
            return "G.pair"
        return self.leaf_expr(ctx, PAIR)

    def expr_bag(self, ctx, d):
        k = self.r.randrange(4)
        if k == 0:
            return "new Bag(%s)" % self.stored_str(ctx, d)
        if k == 1:
            return "G.bag"
        return self.leaf_expr(ctx, BAG)

    def expr_arr(self, ctx, d):
        k = self.r.randrange(6)
        if k == 0:
            n = self.r.randrange(0, 4)
            return "[" + ", ".join(self.expr(ctx, LEAF, d) for _ in range(n)) + "]"
        if k == 1:
            return "%s.items" % self.recv(ctx, BAG, d)
        if k == 2:
            return "%s.slice(%d, %d)" % (self.recv(ctx, ARR, d), self.r.randrange(0, 3), self.r.randrange(0, 6))
        return self.leaf_expr(ctx, ARR)

    def expr_map(self, ctx, d):
        k = self.r.randrange(5)
        if k == 0:
            return '%%{"k%d" => %s}' % (self.r.randrange(5), self.expr(ctx, LEAF, d))
        if k == 1:
            return "%s.index" % self.recv(ctx, BAG, d)
        return self.leaf_expr(ctx, MAP)

    def expr_any(self, ctx, d):
        """Values that may be null: only printed, stored or compared."""
        k = self.r.randrange(9)
        if k == 7:
            return self.expr(ctx, WLEAF, d)
        if k == 8:
            return "%s.owner" % self.recv(ctx, LEAF, d)
        if k == 0:
            return "(%s ? %s : %s)" % (self.cond(ctx, d), self.expr(ctx, LEAF, d), self.stored_str(ctx, d))
        if k == 1:
            return "%s.pop()" % self.recv(ctx, ARR, d)
        if k == 2:
            return "%s.get(Util.key(%s))" % (self.recv(ctx, MAP, d), self.expr(ctx, INT, d))
        if k == 3:
            a = self.recv(ctx, ARR, d)
            return "%s.remove(Util.idx(%s, %s.length()))" % (a, self.expr(ctx, INT, d), a) \
                if a.isidentifier() else "%s.remove(0)" % a
        if k == 4:
            return "%s.take()" % self.recv(ctx, BAG, d)
        if k == 5:
            return "(%s ? %s : %s)" % (self.cond(ctx, d), self.expr(ctx, PAIR, d), self.expr(ctx, INT, d))
        return self.leaf_expr(ctx, ANY)

    def expr_wleaf(self, ctx, d):
        """A WeakRef to a Leaf: never null, its target possibly gone."""
        if self.chance(0.7):
            return "weak " + self.weak_operand(ctx, LEAF, d)
        return self.leaf_expr(ctx, WLEAF)

    def weak_operand(self, ctx, t, d):
        """An expression of box type t that may follow `weak`: never
        parenthesised (`weak (e)` is a parse error), so a compound one goes
        through Util.same. A fresh box is dropped at once."""
        names = ctx.visible(t)
        if names and self.chance(0.5):
            return self.r.choice(names)
        k = self.r.randrange(4)
        if k == 0:
            return "Util.same(%s)" % self.expr(ctx, t, d)
        if k == 1:
            return {LEAF: "new Leaf(%d, %s)" % (self.r.randrange(0, 9), self.r.choice(STRING_POOL)),
                    PAIR: 'new Pair(new Leaf(5, "m"), new Leaf(6, "n"))', BAG: 'new Bag("w")',
                    ARR: "new ArrayBox()", MAP: "new MapBox()"}[t]
        if k == 2:
            bags = ctx.visible(BAG)
            bag = self.r.choice(bags) if bags else "G.bag"
            return {LEAF: "G.cur", PAIR: bag + ".pair", BAG: bag, ARR: bag + ".items", MAP: bag + ".index"}[t]
        return {LEAF: "G.pair.a", PAIR: "G.pair", BAG: "G.bag", ARR: "G.log", MAP: "G.bag.index"}[t]

    def weak_value(self, ctx, d):
        """What a weak field may be assigned: a WeakRef to any box, another
        weak field, or null."""
        k = self.r.randrange(6)
        if k <= 1:
            return "weak " + self.weak_operand(ctx, self.r.choice(BOX_TYPES), d)
        if k == 2:
            return self.expr(ctx, WLEAF, d)
        if k == 3:
            return "%s.owner" % self.recv(ctx, LEAF, d)
        if k == 4:
            return "null"
        return "weak " + self.weak_operand(ctx, LEAF, d)

    def weak_stmt(self, ctx, depth):
        """A one-line statement on weak links: a store into a weak field, an
        upgrade of a weak field or of a WeakRef (what it prints says only
        whether the target is alive, or reads the live target), or a box
        bound, weakly referenced and maybe dropped before the upgrade."""
        k = self.r.randrange(9)
        if k == 0:
            return "%s.owner = %s" % (self.recv(ctx, LEAF, 0), self.weak_value(ctx, depth))
        if k == 7:
            return "print(%s.%s)" % (self.recv(ctx, LEAF, depth), self.r.choice(("owner", "ownerState()")))
        if k == 1:
            return "%s.home = %s" % (self.recv(ctx, PAIR, 0), self.r.choice((
                "weak " + self.weak_operand(ctx, BAG, depth), "null", "%s.home" % self.recv(ctx, PAIR, 0))))
        if k == 2:
            o, s = self.fresh("o"), self.fresh("s")
            show = self.r.choice(("print(%s == null)" % s, "print(%s)" % s, "print(%s.owner)" % o))
            return "{ local %s = %s; if %s.owner != null { local %s = %s.owner.weak_to_strong(); %s } " \
                   "else { print(\"no owner\") } }" % (o, self.recv(ctx, LEAF, depth), o, s, o, show)
        if k == 3:
            s = self.fresh("s")
            use = self.r.choice(("print(%s.v)" % s, "print(%s.bump(%d).v)" % (s, self.r.randrange(1, 4)),
                                 "print(%s)" % s))
            return "{ local %s = %s.weak_to_strong(); if %s != null { %s } else { print(\"gone\") } }" % (
                s, self.recv(ctx, WLEAF, depth), s, use)
        if k == 4:
            return "print(%s.weak_to_strong() == null)" % self.recv(ctx, WLEAF, depth)
        if k == 5:
            return "print(%s == %s)" % (self.expr(ctx, WLEAF, depth), self.expr(ctx, WLEAF, depth))
        # A bound box, a WeakRef to it (maybe also stored in a weak field or
        # an outer WeakRef binding), the binding maybe dropped, the upgrade.
        t, w = self.fresh("t"), self.fresh("w")
        parts = ["local %s = %s" % (t, self.expr(ctx, LEAF, depth)), "local %s = weak %s" % (w, t)]
        if self.chance(0.4):
            parts.append("%s.owner = %s" % (self.recv(ctx, LEAF, 0), w))
        outer = [n for n, ty in ctx.assignable() if ty == WLEAF]
        if outer and self.chance(0.3):
            parts.append("%s = %s" % (self.r.choice(outer), w))
        if self.chance(0.6):
            parts.append("%s = null" % t)
        parts.append("print(%s.weak_to_strong() == null)" % w)
        return "{ " + "; ".join(parts) + " }"

    # --- statements ----------------------------------------------------------

    def fini_stmt(self, ctx):
        """One statement for a fini body: prints or touches what is visible."""
        saved = ctx.in_fini
        ctx.in_fini = True
        k = self.r.randrange(5)
        targets = ctx.assignable()
        if k == 4 and targets:
            # Reassigning a binding the block is about to release.
            name, t = self.r.choice(targets)
            s = "%s = %s" % (name, self.stored_str(ctx, 1) if t == STR else self.expr(ctx, t, 1))
        elif k == 0:
            s = 'print("fini " + %s)' % self.expr(ctx, INT, 1)
        elif k == 1:
            s = 'print("fini " + %s)' % self.expr(ctx, STR, 1)
        elif k == 2:
            s = "if G.log.length() < %d { G.log.push(%s) }" % (ARRAY_CAP, self.expr(ctx, LEAF, 1))
        else:
            s = "%s.bump(1)" % self.recv(ctx, LEAF, 0)
        ctx.in_fini = saved
        return s

    def simple_stmt(self, ctx, depth):
        """A one-line statement without nested blocks (usable inside block
        expressions)."""
        self.spend(ctx, 1)
        k = self.r.randrange(11)
        if k >= 9:
            return self.weak_stmt(ctx, depth)
        if k == 0:
            t = self.r.choice(LOCAL_TYPES)
            name = self.fresh("v")
            init = self.stored_str(ctx, depth) if t == STR else self.expr(ctx, t, depth)
            ctx.scopes[-1][name] = t
            return "local %s = %s" % (name, init)
        if k == 1:
            targets = ctx.assignable()
            if targets:
                name, t = self.r.choice(targets)
                rhs = self.stored_str(ctx, depth) if t == STR else self.expr(ctx, t, depth)
                if t == INT and self.chance(0.3):
                    return "%s += %s" % (name, self.expr(ctx, INT, depth))
                return "%s = %s" % (name, rhs)
        if k == 2:
            t = self.r.choice((INT, STR, LEAF, PAIR, ANY, MAP))
            return "print(%s)" % self.expr(ctx, t, depth)
        if k == 3:
            return self.field_store(ctx, depth)
        if k == 4:
            return self.array_op(ctx, depth)
        if k == 5:
            return self.map_op(ctx, depth)
        if k == 6:
            return "%s.bump(%s)" % (self.recv(ctx, LEAF, depth), self.expr(ctx, INT, depth))
        if k == 7:
            return "print(%s.add(%s))" % (self.recv(ctx, BAG, depth), self.expr(ctx, LEAF, depth))
        return "print(%s)" % self.expr(ctx, self.r.choice((INT, STR)), depth)

    def field_store(self, ctx, depth):
        k = self.r.randrange(10)
        if k == 0:
            return "%s.v = %s" % (self.recv(ctx, LEAF, 0), self.expr(ctx, INT, depth))
        if k == 1:
            return "%s.s = %s" % (self.recv(ctx, LEAF, 0), self.stored_str(ctx, depth))
        if k == 2:
            return "%s.%s = %s" % (self.recv(ctx, PAIR, 0), self.r.choice("ab"), self.expr(ctx, LEAF, depth))
        if k == 3:
            return "%s.tag = %s" % (self.recv(ctx, BAG, 0), self.stored_str(ctx, depth))
        if k == 4:
            return "%s.pair = %s" % (self.recv(ctx, BAG, 0), self.expr(ctx, PAIR, depth))
        if k == 5:
            return "G.cur = %s" % self.expr(ctx, LEAF, depth)
        if k == 6:
            return "G.pair = %s" % self.expr(ctx, PAIR, depth)
        if k == 7:
            return "%s.a.v = %s" % (self.recv(ctx, PAIR, 0), self.expr(ctx, INT, depth))
        if k == 8:
            return "%s.pair.b = %s" % (self.recv(ctx, BAG, 0), self.expr(ctx, LEAF, depth))
        return "G.bag = %s" % self.expr(ctx, BAG, depth)

    def array_op(self, ctx, depth):
        """An ArrayBox operation. The value and the array are bound first and
        the index is a name or a literal: a helper called while evaluating
        the value may shrink or replace the array, which would make an index
        computed before it out of range."""
        names = ctx.visible(ARR)
        a = self.r.choice(names) if names and self.chance(0.8) else "G.bag.items"
        k = self.r.randrange(8)
        if k <= 4:
            wv, wa = self.fresh("w"), self.fresh("w")
            v = self.expr(ctx, LEAF, depth)
            i = self.leaf_expr(ctx, INT)
            if k <= 2:
                op = "if %s.length() < %d { %s.push(%s) } else { %s.set(Util.idx(%s, %d), %s) }" % (
                    wa, ARRAY_CAP, wa, wv, wa, i, ARRAY_CAP, wv)
            elif k == 3:
                op = "%s.set(Util.idx(%s, %s.length()), %s)" % (wa, i, wa, wv)
            else:
                op = "if %s.length() < %d { %s.insert(Util.idx(%s, %s.length() + 1), %s) }" % (
                    wa, ARRAY_CAP, wa, i, wa, wv)
            return "{ local %s = %s; local %s = %s; %s }" % (wv, v, wa, a, op)
        if k == 5:
            return "print(%s.remove(Util.idx(%s, %s.length())))" % (a, self.expr(ctx, INT, depth), a)
        if k == 6:
            return "print(%s.pop())" % a
        return self.r.choice(("%s.reverse()", "%s.clear()", "print(%s)", "print(%s.length())")) % a

    def map_op(self, ctx, depth):
        names = ctx.visible(MAP)
        m = self.r.choice(names) if names and self.chance(0.8) else "G.bag.index"
        k = self.r.randrange(6)
        key = "Util.key(%s)" % self.expr(ctx, INT, depth)
        if k <= 1:
            return "%s.set(%s, %s)" % (m, key, self.expr(ctx, LEAF, depth))
        if k == 2:
            return "print(%s.delete(%s))" % (m, key)
        if k == 3:
            return "print(%s.get(%s))" % (m, key)
        if k == 4:
            return "print(%s.keys())" % m
        return self.r.choice(("%s.clear()", "print(%s.size())", "print(%s.values())")) % m

    def block(self, ctx, indent, depth, n):
        """n statements in a new scope, as lines."""
        ctx.scopes.append({})
        lines = []
        for _ in range(n):
            if not self.affordable(ctx, 1):
                break
            lines += self.stmt(ctx, indent, depth)
        ctx.scopes.pop()
        return lines

    def stmt(self, ctx, indent, depth):
        pad = "    " * indent
        k = self.r.randrange(20)
        if k <= 1 and ctx.loop_depth < MAX_LOOP_DEPTH and depth > 0:
            return self.loop_stmt(ctx, indent, depth)
        if k == 2 and depth > 0:
            lines = [pad + "if %s {" % self.cond(ctx, 2)]
            lines += self.block(ctx, indent + 1, depth - 1, self.r.randrange(1, 4))
            if self.chance(0.6):
                lines.append(pad + "} else {")
                lines += self.block(ctx, indent + 1, depth - 1, self.r.randrange(1, 3))
            lines.append(pad + "}")
            return lines
        if k == 3 and depth > 0:
            return [pad + "{"] + self.block(ctx, indent + 1, depth - 1, self.r.randrange(1, 4)) + [pad + "}"]
        if k == 4:
            return [pad + "fini { %s }" % self.fini_stmt(ctx)]
        if k == 5:
            t = self.r.choice(VALUE_TYPES)
            name = self.fresh("r")
            init = self.stored_str(ctx, 2) if t == STR else self.expr(ctx, t, 2)
            ctx.scopes[-1][name] = t
            return [pad + "local %s = %s fini { %s }" % (name, init, self.fini_stmt(ctx))]
        if k == 6 and ctx.loop_depth > 0:
            return [pad + "if %s { %s }" % (self.cond(ctx, 1), self.r.choice(("break", "continue")))]
        # main returns early rarely: the rest of the program would be dead.
        if k == 7 and (ctx.loop_depth > 0 or self.chance(0.2)) and (ctx.ret_type or self.chance(0.05)):
            return [pad + "if %s { return %s }" % (self.cond(ctx, 1), self.return_value(ctx))]
        if k == 8:
            name = self.fresh("v")
            ctx.scopes[-1][name] = ANY
            return [pad + "local %s" % name]
        return [pad + self.simple_stmt(ctx, 2)]

    def return_value(self, ctx):
        if ctx.ret_type is None:
            return "0"
        if ctx.ret_type == STR:
            return self.stored_str(ctx, 2)
        return self.expr(ctx, ctx.ret_type, 2)

    def loop_stmt(self, ctx, indent, depth):
        pad = "    " * indent
        inner = "    " * (indent + 1)
        counter = self.fresh("i")
        trips = self.r.randrange(1, 6)
        ctx.scopes[-1][counter] = INT
        ctx.readonly.add(counter)
        form = self.r.randrange(3)
        lines = [pad + "local %s = 0" % counter]
        if form == 0:
            lines += [pad + "loop(%s < %d) {" % (counter, trips), inner + "%s = %s + 1" % (counter, counter)]
        elif form == 1:
            lines += [pad + "loop {", inner + "%s = %s + 1" % (counter, counter),
                      inner + "if %s > %d { break }" % (counter, trips)]
        else:
            lines += [pad + "while %s < %d {" % (counter, trips), inner + "%s += 1" % counter]
        ctx.loop_depth += 1
        saved = ctx.mult
        ctx.mult *= trips
        lines += self.block(ctx, indent + 1, depth - 1, self.r.randrange(1, 6))
        ctx.mult = saved
        ctx.loop_depth -= 1
        lines.append(pad + "}")
        return lines

    # --- whole program -------------------------------------------------------

    def gen_function(self, f):
        ctx = Ctx(f, f.ret)
        for name, t in f.params:
            ctx.scopes[0][name] = t
        self.cost = 0
        self.budget = HELPER_BUDGET
        lines = self.block(ctx, 2, 3, self.r.randrange(2, 7))
        lines.append("        return %s" % self.return_value(ctx))
        f.body = lines
        f.cost = max(1, int(self.cost))

    def program(self):
        for i in range(self.r.randrange(1, 7)):
            params = [(self.fresh("p"), self.r.choice(VALUE_TYPES)) for _ in range(self.r.randrange(0, 4))]
            f = Func("f%d" % i, params, self.r.choice(VALUE_TYPES))
            self.callable = list(self.funcs)  # earlier helpers only: no recursion
            self.gen_function(f)
            self.funcs.append(f)
        self.callable = list(self.funcs)
        ctx = Ctx(None, None)
        self.cost = 0
        self.budget = MAIN_BUDGET
        # Every helper is called at least once: a parameter of a function
        # nobody calls has no kind flowing in but what the body assigns to it,
        # and sema rightly rejects what such a parameter could never hold.
        main_body = []
        for f in self.funcs:
            ctx.mult = 1
            main_body.append("        print(%s)" % self.call_text(ctx, f, 2))
        main_body += self.block(ctx, 2, 4, self.r.randrange(15, 40))
        out = [PRELUDE, "static box Main {"]
        for f in self.funcs:
            out.append("    %s(%s) {" % (f.name, ", ".join(n for n, _ in f.params)))
            out += f.body
            out.append("    }")
        out.append("    main() {")
        out.append(MAIN_SETUP.rstrip("\n"))
        out += main_body
        out.append(MAIN_SUMMARY.rstrip("\n"))
        out.append("    }")
        out.append("}")
        return "\n".join(out) + "\n"


def generate(seed):
    """The program for `seed` (deterministic)."""
    return Generator(seed).program()


# --- running -----------------------------------------------------------------

class Result:
    def __init__(self, rc, out, err, timed_out=False):
        self.rc = rc
        self.out = out
        self.err = err
        self.timed_out = timed_out

    def status(self):
        if self.timed_out:
            return "timed out"
        if self.rc < 0:
            return "killed by signal %d" % -self.rc
        return "exit status %d" % self.rc


def invoke(cmd, env=None, timeout=TIMEOUT):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=dict(os.environ, **env) if env else None)
        # Debug mode's `note: process ...` lines name a pid and a time.
        err = b"".join(l for l in p.stderr.splitlines(keepends=True) if not l.startswith(DEBUG_NOTE))
        return Result(p.returncode, p.stdout, err)
    except subprocess.TimeoutExpired as e:
        return Result(-1, e.stdout or b"", e.stderr or b"", True)


def check_one(seed, level_o2, opts, work):
    """Runs program `seed`; returns (seed, source, problems, logs)."""
    source = generate(seed)
    path = os.path.join(work, "fuzz_%d.hako" % seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    problems = []
    logs = {}
    vm = invoke([opts.hakoc, "run", "--leak-check", path])
    logs["vm"] = vm
    if vm.timed_out or vm.rc != 0:
        problems.append("vm: %s" % vm.status())
    err_lines = vm.err.decode("utf-8", "replace").splitlines()
    if not err_lines or err_lines[-1] != CLEAN_REPORT:
        problems.append("vm: stderr does not end with %r" % CLEAN_REPORT)
    levels = ["O0"] + (["O2"] if level_o2 else [])
    for level in levels:
        exe = os.path.join(work, "fuzz_%d_%s" % (seed, level))
        cmd = [opts.hakoc, "build", path, "-o", exe, "-" + level]
        if opts.runtime_path:
            cmd += ["--runtime-path", opts.runtime_path]
        build = invoke(cmd, timeout=BUILD_TIMEOUT)
        if build.timed_out or build.rc != 0:
            problems.append("build -%s: %s" % (level, build.status()))
            logs["build-" + level] = build
            continue
        nat = invoke([exe], env={"REML_LEAK_CHECK": "1"})
        logs[level] = nat
        os.unlink(exe)
        nat_err = build.err + nat.err
        if nat.timed_out or nat.rc != vm.rc:
            problems.append("-%s: %s, vm %s" % (level, nat.status(), vm.status()))
        if nat.out != vm.out:
            problems.append("-%s: stdout differs from the VM" % level)
        if nat_err != vm.err:
            problems.append("-%s: stderr differs from the VM" % level)
    os.unlink(path)
    return seed, source, problems, logs


def keep_failure(keep_dir, seed, source, problems, logs):
    os.makedirs(keep_dir, exist_ok=True)
    base = os.path.join(keep_dir, "fuzz_%d" % seed)
    with open(base + ".hako", "w", encoding="utf-8") as f:
        f.write(source)
    with open(base + ".txt", "w", encoding="utf-8") as f:
        f.write("seed %d\n" % seed)
        for p in problems:
            f.write("problem: %s\n" % p)
        for who, res in logs.items():
            f.write("\n=== %s: %s\n--- stdout\n%s--- stderr\n%s" % (
                who, res.status(), res.out.decode("utf-8", "replace"), res.err.decode("utf-8", "replace")))
    return base + ".hako"


def default_runtime(hakoc):
    cand = os.path.join(os.path.dirname(os.path.abspath(hakoc)), "runtime", "libreml_runtime.a")
    return cand if os.path.exists(cand) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hakoc", required=True, help="the hakoc executable")
    ap.add_argument("--runtime-path", default=None,
                    help="libreml_runtime.a for hakoc build (default: runtime/ beside hakoc, if there)")
    ap.add_argument("--count", type=int, default=40, help="programs to run (default 40)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED,
                    help="seed of the first program; program i uses seed+i (default %d)" % DEFAULT_SEED)
    ap.add_argument("-j", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--keep-failures", default=None, help="directory for failing programs (default: a temp dir)")
    ap.add_argument("--print", action="store_true", help="print the program for --seed and exit")
    opts = ap.parse_args()
    if opts.print:
        sys.stdout.write(generate(opts.seed))
        return 0
    if opts.runtime_path is None:
        opts.runtime_path = default_runtime(opts.hakoc)
    keep_dir = opts.keep_failures
    work = tempfile.mkdtemp(prefix="fuzz_rc_")
    passed = failed = 0
    try:
        seeds = [opts.seed + i for i in range(opts.count)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.j)) as pool:
            futures = [pool.submit(check_one, s, i % 4 == 3, opts, work) for i, s in enumerate(seeds)]
            for fut in futures:
                seed, source, problems, logs = fut.result()
                if not problems:
                    passed += 1
                    continue
                failed += 1
                if keep_dir is None:
                    keep_dir = tempfile.mkdtemp(prefix="fuzz_rc_failures_")
                kept = keep_failure(keep_dir, seed, source, problems, logs)
                print("FAIL seed %d: %s (program: %s)" % (seed, "; ".join(problems), kept))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("seeds %d..%d" % (opts.seed, opts.seed + opts.count - 1))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
