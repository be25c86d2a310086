#!/usr/bin/env python3
"""`--emit-audit=PATH`: the ffi.bridge records of docs/ffi.md, validated
against docs/schemas/audit.schema.json with a real JSON Schema validator
(Debian's python3-jsonschema, Draft 2020-12).

Every record hakoc writes here (check, run, build to an executable, an
object, and for each other target) must validate and say what the
declarations say; records broken on purpose must be rejected, so the
validation cannot pass vacuously; and the schema's target list must be the
one hakoc supports.

Usage: audit_test.py --hakoc PATH --schema PATH [--runtime-path LIB]
Ends with the line `N passed, M failed`; exit status 1 when a case failed.
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

PROGRAM = r'''
extern "C" {
    fn strlen(s: CStr) -> usize
    @link_name("printf") fn c_printf(fmt: CStr, ...) -> i32
    @ownership("transferred") fn strdup(s: CStr) -> CStr
    fn keep(@ownership("reference") h: Handle) -> void
    @ownership("transferred") fn malloc(n: usize) -> MutPtr<u8>
}
@library("m") extern "C" { fn cos(x: f64) -> f64 }
static box Main {
    main() {
        unsafe {
            print(strlen("four"))
        }
        return 0
    }
}
'''

# keep() exists nowhere: check and run must say so in its record.
MISSING = "keep"


# What each target is, stated independently of hakoc's table
# (src/base/targets.cpp): (arch, C ABI, platform) of its records.
PLATFORM_FACTS = {
    "x86_64-unknown-linux-gnu": ("x86_64", "system_v", "linux"),
    "aarch64-unknown-linux-gnu": ("aarch64", "aapcs64", "linux"),
    "x86_64-w64-windows-gnu": ("x86_64", "msvc", "windows"),
    "x86_64-pc-windows-msvc": ("x86_64", "msvc", "windows"),
    "arm64-apple-darwin": ("arm64", "darwin_aapcs64", "macos"),
}

class Failures:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s%s" % (name, (": " + detail) if detail else ""))


def run(argv, cwd):
    p = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def bridge(rec):
    return rec["metadata"]["bridge"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--runtime-path")
    opts = ap.parse_args()
    hakoc = os.path.abspath(opts.hakoc)
    with open(opts.schema, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    t = Failures()

    def validate(recs, name):
        for i, rec in enumerate(recs):
            errors = sorted(validator.iter_errors(rec), key=lambda e: list(e.path))
            t.check(not errors, "%s record %d validates" % (name, i), "; ".join(e.message for e in errors[:3]))

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "prog.hako")
        with open(src, "w", encoding="utf-8") as f:
            f.write(PROGRAM)
        runtime = ["--runtime-path", os.path.abspath(opts.runtime_path)] if opts.runtime_path else []

        # check and run look every symbol up: keep() is missing.
        for command in ("check", "run"):
            audit = os.path.join(tmp, command + ".jsonl")
            rc, out, err = run([hakoc, command, "--emit-audit=" + audit, src], tmp)
            t.check(rc == 1 and "E0601" in err, command + ": exit 1 with E0601 for keep()", "rc=%s %s" % (rc, err))
            recs = records(audit)
            validate(recs, command)
            names = [bridge(r)["extern_symbol"] for r in recs]
            t.check(names == ["strlen", "c_printf", "strdup", "keep", "malloc", "cos"], command + ": one record per extern",
                    str(names))
            by_name = {bridge(r)["extern_symbol"]: bridge(r) for r in recs}
            if len(by_name) == 6:
                t.check(by_name[MISSING]["status"] == "error" and
                        by_name[MISSING]["diagnostics"] == [{"code": "E0601", "name": "ffi.contract.symbol_missing"}],
                        command + ": keep() is an error with its diagnostic", str(by_name[MISSING]))
                t.check(all(b["status"] == "ok" for n, b in by_name.items() if n != MISSING), command + ": others ok")
                t.check(by_name["c_printf"]["link_name"] == "printf" and by_name["c_printf"]["variadic"],
                        command + ": link_name and variadic")
                t.check(by_name["cos"]["library"] == "m" and by_name["strlen"]["library"] is None,
                        command + ": library")
                t.check(by_name["strdup"]["return"] == {"ctype": "CStr", "ownership": "transferred", "wrap": "string",
                                                        "release": "free"}, command + ": transferred CStr result",
                        str(by_name["strdup"]["return"]))
                t.check(by_name["malloc"]["return"]["release"] == "manual" and
                        by_name["malloc"]["ownership"] == "transferred", command + ": transferred pointer result")
                t.check(by_name["keep"]["ownership"] == "reference" and
                        by_name["keep"]["params"] == [{"name": "h", "ctype": "Handle", "ownership": "reference"}],
                        command + ": reference Handle parameter", str(by_name["keep"]))
                t.check(by_name["strlen"]["abi"] == "system_v" and by_name["strlen"]["platform"] == "linux",
                        command + ": host ABI")
                span = recs[0]["span"]
                t.check(span["line"] == 3 and span["file"].endswith("prog.hako"), command + ": span of strlen",
                        str(span))

        # The diagnostic itself, as text and as JSON: code, stable name, span, suggested fix.
        rc, out, err = run([hakoc, "check", "--diagnostics=json", src], tmp)
        diags = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        t.check(len(diags) == 1, "check --diagnostics=json: one diagnostic", err)
        if diags:
            d = diags[0]
            t.check(d.get("code") == "E0601" and d.get("name") == "ffi.contract.symbol_missing",
                    "JSON diagnostic has code and stable name", str(d))
            t.check(d.get("line") == 6 and d.get("col") == 5 and bool(d.get("help")),
                    "JSON diagnostic has the declaration's position and a suggested fix", str(d))
        rc, out, err = run([hakoc, "check", src], tmp)
        t.check("error[E0601 ffi.contract.symbol_missing]" in err and "\n  help: " in err,
                "text diagnostic names code and stable name and suggests a fix", err)

        # Without keep(), check and an executable build are clean.
        clean = os.path.join(tmp, "clean.hako")
        with open(clean, "w", encoding="utf-8") as f:
            f.write(PROGRAM.replace('    fn keep(@ownership("reference") h: Handle) -> void\n', ""))
        for name, argv in (("check", [hakoc, "check"]),
                           ("build", [hakoc, "build", "-o", os.path.join(tmp, "prog")] + runtime),
                           ("build obj", [hakoc, "build", "--emit=obj", "-o", os.path.join(tmp, "prog.o")])):
            audit = os.path.join(tmp, name.replace(" ", "_") + ".jsonl")
            rc, out, err = run(argv + ["--emit-audit=" + audit, clean], tmp)
            t.check(rc == 0, name + ": exit 0", err)
            recs = records(audit) if os.path.exists(audit) else []
            t.check(len(recs) == 5, name + ": five records", str(len(recs)))
            validate(recs, name)
            want = "unchecked" if name == "build obj" else "ok"
            t.check(all(bridge(r)["status"] == want for r in recs), name + ": status " + want)
            stamps = {r["timestamp"] for r in recs}
            t.check(len(stamps) == 1, name + ": one timestamp per run")

        # Every target of the schema builds an object and reports its ABI;
        # the schema lists exactly the targets `hakoc --help` names.
        rc, help_text, _ = run([hakoc, "--help"], tmp)
        hakoc_targets = set(re.findall(r"\b(?:x86_64|aarch64|arm64)-[a-z0-9_]+-[a-z0-9_]+(?:-[a-z0-9_]+)?\b", help_text))
        bridge_props = schema["$defs"]["bridge"]["properties"]
        schema_targets = set(bridge_props["target"]["enum"])
        t.check(schema_targets == hakoc_targets, "schema targets are hakoc's",
                "schema %s, hakoc %s" % (sorted(schema_targets), sorted(hakoc_targets)))
        abis = set()
        for triple in sorted(schema_targets):
            audit = os.path.join(tmp, triple + ".jsonl")
            rc, out, err = run([hakoc, "build", "--target", triple, "--emit=obj", "-o", os.path.join(tmp, triple + ".o"),
                                "--emit-audit=" + audit, clean], tmp)
            t.check(rc == 0, triple + ": object builds", err)
            recs = records(audit) if os.path.exists(audit) else []
            validate(recs, triple)
            t.check(recs and all(bridge(r)["target"] == triple for r in recs), triple + ": target in records")
            want = PLATFORM_FACTS.get(triple)
            t.check(want is not None, triple + ": its facts are known to this test")
            got = {(bridge(r)["arch"], bridge(r)["abi"], bridge(r)["platform"]) for r in recs}
            t.check(want is not None and got == {want}, triple + ": arch, abi and platform in records",
                    "want %s, got %s" % (want, sorted(got)))
            abis.update(bridge(r)["abi"] for r in recs)
        t.check(abis == set(bridge_props["abi"]["enum"]), "every ABI of the schema is some target's", str(sorted(abis)))

        # The validator is not vacuous: each broken copy of a good record is rejected.
        good = records(os.path.join(tmp, "check.jsonl"))[0]
        t.check(validator.is_valid(good), "the good record is valid")
        breakers = {
            "no category": lambda r: r.pop("category"),
            "other category": lambda r: r.__setitem__("category", "ffi.call"),
            "unknown abi": lambda r: bridge(r).__setitem__("abi", "cdecl"),
            "bad ownership": lambda r: bridge(r).__setitem__("ownership", "shared"),
            "no link_name": lambda r: bridge(r).pop("link_name"),
            "extra field": lambda r: bridge(r).__setitem__("comment", "x"),
            "error without diagnostics": lambda r: bridge(r).__setitem__("status", "error"),
            "line 0": lambda r: r["span"].__setitem__("line", 0),
            "local timestamp": lambda r: r.__setitem__("timestamp", "2026-12-07 10:00:00"),
            "unknown release": lambda r: bridge(r)["return"].__setitem__("release", "gc"),
            "library number": lambda r: bridge(r).__setitem__("library", 3),
        }
        for name, breaker in breakers.items():
            bad = copy.deepcopy(good)
            breaker(bad)
            t.check(not validator.is_valid(bad), "rejects a record with " + name)

    print("%d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed or not t.passed else 0


if __name__ == "__main__":
    sys.exit(main())
