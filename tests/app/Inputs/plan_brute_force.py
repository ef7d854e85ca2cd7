#!/usr/bin/env python3
"""Checks faas-app plan against brute force on random small graphs.

  plan_brute_force.py FAAS_APP WORKDIR [--graphs N] [--seed S] [--max-funcs F]

For each random graph (functions with sizes, some public, some never to
merge, some calling run-time names no hint bounds; weighted edges with
cycles and self-calls) and random limits, it runs `faas-app plan --graph`
twice, exact (--exact-up-to 40) and greedy (--exact-up-to 0), and checks
every library of both plans against what it works out on its own, by
enumerating every set of functions:

  - the set obeys the rules (README.md, "The plan"): it holds its entry,
    reaches every member from it through members, takes each cycle whole
    (the entry's cycle, when over the limits, is left for the entry alone),
    no never-merge function but the entry, within the limits;
  - exact: its (weight, functions, -code) is the best of all such sets;
  - greedy: its weight is at most the best (and the script reports how
    close it came: the mean of weight / best over libraries with best > 0
    must be at least --min-greedy);
  - no limits: the set is everything the entry reaches;
  - the libraries are those of the public functions and of every function
    a library calls but does not merge (or of every function when a member
    calls a run-time name no hint bounds), one each.

Prints one line per failure and a summary; exit 1 on any failure.
"""
import argparse
import itertools
import json
import os
import random
import subprocess
import sys


def sccs(nodes, succ):
    """Tarjan over nodes (a set), edges succ[v] restricted to nodes."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        counter[0] += 1
        index[v] = low[v] = counter[0]
        stack.append(v)
        on.add(v)
        for t in succ[v]:
            if t not in nodes:
                continue
            if t not in index:
                visit(t)
                low[v] = min(low[v], low[t])
            elif t in on:
                low[v] = min(low[v], index[t])
        if low[v] == index[v]:
            comp = set()
            while True:
                t = stack.pop()
                on.discard(t)
                comp.add(t)
                if t == v:
                    break
            out.append(frozenset(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def reach(start, succ, allowed):
    seen, todo = {start}, [start]
    while todo:
        v = todo.pop()
        for t in succ[v]:
            if t in allowed and t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


class Graph:
    def __init__(self, g, never, max_f, max_b):
        self.names = [f["name"] for f in g["functions"]]
        self.idx = {n: i for i, n in enumerate(self.names)}
        n = len(self.names)
        self.size = [f["size"] for f in g["functions"]]
        self.public = [f.get("public", False) for f in g["functions"]]
        self.anything = [f.get("calls_anything", False) for f in g["functions"]]
        self.never = [name in never for name in self.names]
        self.w = {}
        self.succ = [set() for _ in range(n)]
        for e in g["edges"]:
            a, b = self.idx[e["caller"]], self.idx[e["callee"]]
            self.w[(a, b)] = e.get("weight", 1)
            self.succ[a].add(b)
        self.max_f, self.max_b = max_f, max_b

    def fits(self, s):
        return (self.max_f is None or len(s) <= self.max_f) and (
            self.max_b is None or sum(self.size[v] for v in s) <= self.max_b)

    def weight(self, s):
        return sum(w for (a, b), w in self.w.items() if a in s and b in s)

    def candidates(self, d):
        """What entry d may merge: (reached functions, their cycles)."""
        allowed = {v for v in range(len(self.names)) if v == d or not self.never[v]}
        r = reach(d, self.succ, allowed)
        comps = sccs(r, self.succ)
        root = next(c for c in comps if d in c)
        if len(root) > 1 and not self.fits(root):
            allowed -= root - {d}
            r = reach(d, self.succ, allowed)
            comps = sccs(r, self.succ)
        return r, comps

    def legal(self, d, s):
        r, comps = self.candidates(d)
        if d not in s or not s <= r:
            return "holds what its entry may not merge"
        for c in comps:
            if c & s and not c <= s:
                return "takes part of a cycle"
        if reach(d, self.succ, s) != s:
            return "holds a function no member reaches"
        if s != {d} and not self.fits(s):
            return "is over the limits"
        return None

    def best(self, d):
        r, comps = self.candidates(d)
        others = [c for c in comps if d not in c]
        root = next(c for c in comps if d in c)
        best = None
        for k in range(len(others) + 1):
            for pick in itertools.combinations(others, k):
                s = set(root).union(*pick)
                if self.legal(d, s) is not None:
                    continue
                key = (self.weight(s), len(s), -sum(self.size[v] for v in s))
                if best is None or key > best[0]:
                    best = (key, s)
        return best


def random_graph(rng, max_funcs):
    n = rng.randint(1, max_funcs)
    names = ["F%d" % i for i in range(n)]
    funcs = []
    for i, name in enumerate(names):
        f = {"name": name, "size": rng.choice([1, 10, 50, 100, 400, 1000])
             * rng.randint(1, 5)}
        if rng.random() < 0.3:
            f["public"] = True
        if rng.random() < 0.05:
            f["calls_anything"] = True
        funcs.append(f)
    funcs[0]["public"] = True
    p = rng.choice([0.15, 0.3, 0.5])
    # Half the graphs are mostly forward (a DAG with a few cycles): many
    # cycles to choose from, as in a real application.
    forward = rng.random() < 0.5
    edges = []
    for a in range(n):
        for b in range(n):
            q = p / 3 if a == b else p
            if forward and b < a:
                q = 0.03
            if rng.random() < q:
                e = {"caller": names[a], "callee": names[b]}
                if rng.random() < 0.8:
                    e["weight"] = rng.choice([0, 1, 2, 5, 10, 100]) * rng.randint(1, 3)
                edges.append(e)
    never = [nm for nm in names if rng.random() < 0.1]
    total = sum(f["size"] for f in funcs)
    max_f = rng.choice([None, None, 1, 2, 3, n // 2 + 1])
    max_b = rng.choice([None, None, rng.randint(1, total), total // 3 + 1])
    if rng.random() < 0.2:
        max_f = max_b = None
    return {"functions": funcs, "edges": edges}, never, max_f, max_b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("faas_app")
    ap.add_argument("workdir")
    ap.add_argument("--graphs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-funcs", type=int, default=8)
    ap.add_argument("--min-greedy", type=float, default=0.9)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.workdir, exist_ok=True)
    failures, libs_checked, ratios = 0, 0, []

    def fail(i, msg):
        nonlocal failures
        failures += 1
        print("graph %d (seed %d): %s" % (i, args.seed, msg))

    for i in range(args.graphs):
        g, never, max_f, max_b = random_graph(rng, args.max_funcs)
        gp = os.path.join(args.workdir, "g%d.json" % i)
        with open(gp, "w") as f:
            json.dump(g, f)
        G = Graph(g, set(never), max_f, max_b)
        limits = []
        if max_f is not None:
            limits += ["--max-functions", str(max_f)]
        if max_b is not None:
            limits += ["--max-code-size", str(max_b)]
        for nm in never:
            limits += ["--never", nm]
        for mode, exact in (("exact", "40"), ("greedy", "0")):
            pp = os.path.join(args.workdir, "p%d-%s.json" % (i, mode))
            r = subprocess.run([args.faas_app, "plan", "--graph", gp, "--exact-up-to",
                                exact, "-o", pp] + limits,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                fail(i, "%s: faas-app plan exited %d: %s" % (mode, r.returncode, r.stderr.strip()))
                continue
            plan = json.load(open(pp))
            seen_entries = []
            for lib in plan["libraries"]:
                libs_checked += 1
                d = G.idx[lib["entry"]]
                seen_entries.append(d)
                s = {G.idx[n] for n in lib["functions"]}
                why = G.legal(d, s)
                if why is not None:
                    fail(i, "%s: %s's library %s %s" % (mode, lib["entry"], sorted(lib["functions"]), why))
                    continue
                if abs(G.weight(s) - lib["fused_weight"]) > 1e-6:
                    fail(i, "%s: %s: fused_weight %s, the set's weight is %s"
                         % (mode, lib["entry"], lib["fused_weight"], G.weight(s)))
                if max_f is None and max_b is None:
                    want = G.candidates(d)[0]
                    if s != want:
                        fail(i, "%s: %s: no limits, merges %s, reaches %s" % (
                            mode, lib["entry"], sorted(G.names[v] for v in s),
                            sorted(G.names[v] for v in want)))
                    continue
                key, bs = G.best(d)
                got = (G.weight(s), len(s), -sum(G.size[v] for v in s))
                if mode == "exact" and got != key:
                    fail(i, "exact: %s: got %s %s, best %s %s" % (
                        lib["entry"], sorted(G.names[v] for v in s), got,
                        sorted(G.names[v] for v in bs), key))
                if mode == "greedy":
                    if got[0] > key[0] + 1e-9:
                        fail(i, "greedy: %s beats brute force" % lib["entry"])
                    elif key[0] > 0:
                        ratios.append(got[0] / key[0])
            # which functions have libraries
            members = [set(G.idx[n] for n in lib["functions"]) for lib in plan["libraries"]]
            want = {v for v in range(len(G.names)) if G.public[v]}
            for lib, s in zip(plan["libraries"], members):
                for a in s:
                    want |= {b for b in G.succ[a] if b not in s}
            if any(G.anything[v] for s in members for v in s):
                want = set(range(len(G.names)))
            if sorted(seen_entries) != sorted(want) or len(set(seen_entries)) != len(seen_entries):
                fail(i, "%s: libraries for %s, expected %s" % (
                    mode, sorted(G.names[v] for v in seen_entries), sorted(G.names[v] for v in want)))
    mean = sum(ratios) / len(ratios) if ratios else 1.0
    worst = min(ratios) if ratios else 1.0
    print("%d graphs, %d libraries checked, %d failures; greedy/best: mean %.3f, "
          "worst %.3f over %d libraries" % (args.graphs, libs_checked, failures, mean, worst,
                                          len(ratios)))
    if mean < args.min_greedy:
        print("greedy mean %.3f is below --min-greedy %.3f" % (mean, args.min_greedy))
        failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
