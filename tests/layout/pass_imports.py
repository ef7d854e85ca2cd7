#!/usr/bin/env python3
"""Lists which file of pass/ calls which: the pass's import graph.

    tests/layout/pass_imports.py PASS_DIR [--check]

A file "imports" another when it calls a non-static function defined there
(ff_* and faasfuse_* names; the C API in include/faasfuse counts as defined
where its body is). Prints one line per edge, `caller.c -> callee.c: fn, ...`.
With --check, exits 1 and says why if the graph has a circle, if a stage
calls the orchestrator (faasfuse.c) or the C++ shim, or if a leaf (the
files every stage shares: LEAVES) calls a stage: the pipeline runs one way,
shim -> orchestrator -> stages -> leaves.
"""
import os
import re
import sys

DEF = re.compile(r"^(?!static\b)[A-Za-z_][\w \t\*]*?\b((?:ff|faasfuse)_\w+)\s*\(([^;]*?)$", re.M)
CALL = re.compile(r"\b((?:ff|faasfuse)_\w+)\s*\(")
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\])*"')
ORCHESTRATOR = "faasfuse.c"
SHIM = "plugin_shim.cpp"
LEAVES = {"diagnostics.c", "nightcore_abi.c", "ir_helpers.c", "callees.c"}


def strip(text):
    return STRING.sub('""', COMMENT.sub(" ", text))


def definitions(text):
    """Functions defined (with a body) at file scope, not static."""
    out = set()
    for m in DEF.finditer(text):
        # A definition: the declarator is followed by a body, not by ';'.
        rest = text[m.end():m.end() + 400]
        head = m.group(2) + rest
        close = head.find(")")
        after = head[close + 1:].lstrip() if close >= 0 else ""
        if after.startswith("{") or (close >= 0 and "{" in head[close:close + 200].split(";")[0]):
            out.add(m.group(1))
    return out


def graph(pass_dir):
    files = sorted(f for f in os.listdir(pass_dir) if f.endswith((".c", ".cpp")))
    texts = {f: strip(open(os.path.join(pass_dir, f)).read()) for f in files}
    owner = {}
    for f in files:
        for fn in definitions(texts[f]):
            owner[fn] = f
    edges = {}
    for f in files:
        for fn in set(CALL.findall(texts[f])):
            g = owner.get(fn)
            if g is not None and g != f:
                edges.setdefault((f, g), set()).add(fn)
    return files, edges


def cycles(files, edges):
    succ = {f: sorted(g for (a, g) in edges if a == f) for f in files}
    found, state, stack = [], {}, []

    def visit(f):
        state[f] = 1
        stack.append(f)
        for g in succ[f]:
            if state.get(g) == 1:
                found.append(stack[stack.index(g):] + [g])
            elif g not in state:
                visit(g)
        stack.pop()
        state[f] = 2
    for f in files:
        if f not in state:
            visit(f)
    return found


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    files, edges = graph(argv[0])
    for (a, b), fns in sorted(edges.items()):
        print("%s -> %s: %s" % (a, b, ", ".join(sorted(fns))))
    if "--check" not in argv:
        return 0
    bad = 0
    for c in cycles(files, edges):
        print("error: circle: " + " -> ".join(c))
        bad += 1
    for (a, b) in sorted(edges):
        if b in (ORCHESTRATOR, SHIM) and a != SHIM:
            print("error: %s calls back into %s" % (a, b))
            bad += 1
        elif a in LEAVES and b not in LEAVES:
            print("error: leaf %s calls stage %s" % (a, b))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
