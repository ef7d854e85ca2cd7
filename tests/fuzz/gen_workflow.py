#!/usr/bin/env python3
"""Writes a random Nightcore workflow as C sources, one file per function.

    tests/fuzz/gen_workflow.py SEED OUTDIR [--max-funcs N] [--max-calls C]

Everything is decided by SEED (Python 3 stdlib only, no clock, no environment),
so a seed names one workflow for good. OUTDIR gets NAME.c for each function
and workflow.json, the manifest:

    {"seed", "entry", "functions": [{"name", "file", "sites", ...}],
     "merged": [names fused into the entry], "unmerged": [names left as RPCs],
     "merge_opt": "-O2" (faas-merge's), "build_opt": "-O1" (each NAME.bc's),
     "merge_src": "bc" or "c" (what faas-merge is given), "max_depth": D,
     "inputs": [hex strings], "worst_calls": W}

What a generated function does (faas_func_call), in an order drawn per function:
  - reads a depth from input[0] (clamped to D); it invokes other functions
    only while depth > 0 and gives each callee a smaller depth, so every
    request ends, however the calls recurse;
  - 0 to 5 appends of pseudo-random bytes (NULs included) derived from a
    hash of its whole input, of sizes from 0 to 1 MiB (large ones only on a
    request flagged "big", which only the entry passes on, once);
  - call sites that name their callee as a literal, through a variable, a
    local array, a string built at run time, a global, a pointer stored in
    the worker at creation, a table indexed by an input byte, a select, a
    noinline helper; callees are other functions (a DAG), itself or earlier
    functions (recursion, mutual recursion), and names that do not exist;
  - after each invoke it appends what it got: the return code, and the
    length and a digest of the output (or whether the output was NULL/0);
  - keeps every output it got and, at the end, re-reads them all (Nightcore's
    lifetime rule) and appends a digest and slices of them;
  - fails (a nonzero return after some appends) when bits of its input hash
    say so, or when a callee failed at a site that propagates failures.
Any divergence between two hosts therefore shows in the entry's output.
"""
import json
import os
import random
import sys

FNV_OFF = 0xcbf29ce484222325
BIG_MAGIC = (0xB1, 0x6C)
WORDS = ["Compose", "Post", "User", "Timeline", "Media", "Text", "Url", "Home",
         "Social", "Graph", "Unique", "Id", "Store", "Read", "Write", "Login",
         "Movie", "Review", "Rating", "Cast", "Plot", "Hotel", "Geo", "Rate",
         "Search", "Profile", "Recommend", "Reserve", "Bar", "Foo", "Baz"]
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
FAIL_CODES = [1, -1, 2, 3, 7, 42, 255, 256, -2, 0x7fffffff, -0x80000000]
# Lengths that sit on the edges of Nightcore's buffers: 960 bytes inline
# payload, 1024-byte messages, pages, 64 KiB.
EDGE_SIZES = [0, 1, 2, 7, 8, 9, 63, 64, 65, 955, 956, 957, 958, 959, 960, 961,
              962, 1020, 1023, 1024, 1025, 4095, 4096, 4097, 65535, 65536, 65537]


def c_str(b):
    """A C string literal for bytes b."""
    out = []
    for ch in b:
        if ch in (0x22, 0x5c):
            out.append("\\" + chr(ch))
        elif 0x20 <= ch < 0x7f and ch != 0x3f:  # '?' avoids trigraphs
            out.append(chr(ch))
        else:
            out.append("\\%03o" % ch)
    return '"' + "".join(out) + '"'


class Gen:
    def __init__(self, seed, max_funcs=20, max_calls=300, cxx=True):
        self.seed = seed
        self.r = random.Random(seed)
        self.max_funcs = max(1, min(20, max_funcs))
        self.max_calls = max_calls
        self.cxx = cxx
        self.cur_lang = "c"

    # ---- names -------------------------------------------------------------
    def fresh_name(self, taken):
        r = self.r
        for _ in range(1000):
            style = r.random()
            if style < 0.3:
                n = "F%d" % r.randrange(0, 40)
            elif style < 0.6:
                n = "".join(r.choice(WORDS) for _ in range(r.randint(1, 3)))
            elif style < 0.85:
                n = "".join(r.choice(ALNUM) for _ in range(r.randint(1, 12)))
            elif style < 0.66:
                n = r.choice(["entry", "main", "faas", "init", "malloc", "0", "1", "F",
                              "faasfuse", "callee", "Entry", "x"])
            elif style < 0.95 and taken:
                # A name that extends or shortens one that exists: dispatch on
                # names must compare whole strings.
                base = r.choice(sorted(taken))
                n = base + r.choice(ALNUM) if r.random() < 0.7 or len(base) < 2 else base[:-1]
            else:
                n = "".join(r.choice(ALNUM) for _ in range(r.randint(30, 120)))
            if n and n not in taken:
                return n
        raise RuntimeError("cannot find a fresh name")

    def missing_name(self):
        """A name (as bytes) that no function of the workflow has."""
        r = self.r
        names = self.names
        for _ in range(1000):
            k = r.random()
            if k < 0.25:
                base = r.choice(names)
                n = base + r.choice(ALNUM)
            elif k < 0.4 and any(len(x) > 1 for x in names):
                base = r.choice([x for x in names if len(x) > 1])
                n = base[:-1]
            elif k < 0.55:
                base = r.choice(names)
                n = base.swapcase() if base.swapcase() != base else base + "0"
            elif k < 0.65:
                n = ""  # the empty name
            elif k < 0.72:
                n = r.choice(names) + "-x"  # not a valid Nightcore name at all
            elif k < 0.76:
                n = "A" * r.randint(256, 300)  # longer than any valid name
            else:
                n = self.fresh_name(set(names))
            if n not in names:
                return n.encode()
        return b"NoSuchFunction"

    # ---- sizes -------------------------------------------------------------
    def append_size(self):
        """(base, jitter) for an ordinary append; large ones are separate."""
        r = self.r
        k = r.random()
        if k < 0.15:
            return 0, 0
        if k < 0.55:
            return r.randint(1, 16), r.choice([0, 0, 3, 15])
        if k < 0.8:
            return r.randint(17, 900), r.choice([0, 64, 255])
        if k < 0.92:
            return r.choice(EDGE_SIZES), r.choice([0, 0, 2])
        return r.randint(1000, 20000), r.choice([0, 1023])

    def payload_size(self):
        r = self.r
        k = r.random()
        if k < 0.2:
            return 0, 0
        if k < 0.6:
            return r.randint(1, 40), r.choice([0, 7])
        if k < 0.8:
            return r.choice(EDGE_SIZES[:22]), r.choice([0, 0, 1, 3])
        if k < 0.97:
            return r.randint(41, 3000), r.choice([0, 127])
        return r.randint(3000, 100000), r.choice([0, 4095])

    # ---- the workflow --------------------------------------------------------
    def generate(self):
        r = self.r
        if r.random() < 0.5:
            n = r.randint(1, self.max_funcs)
        else:
            n = r.randint(1, min(6, self.max_funcs))
        taken = set()
        names = []
        for _ in range(n):
            nm = self.fresh_name(taken)
            taken.add(nm)
            names.append(nm)
        self.names = names
        self.funcs = [self.gen_func(i) for i in range(n)]
        self.connect()
        self.choose_depth()
        self.pick_big_site()

        entry = names[0]
        others = names[1:]
        k = r.random()
        if k < 0.15:
            merged = list(others)
        elif k < 0.25:
            merged = []
        else:
            merged = [x for x in others if r.random() < 0.6]
        unmerged = [x for x in others if x not in merged]
        inputs = [self.gen_input(j) for j in range(r.randint(2, 5))]
        return {
            "seed": self.seed,
            "entry": entry,
            "merged": merged,
            "unmerged": unmerged,
            "merge_opt": r.choice(["-O2", "-O2", "-O2", "-O1", "-O3", "-O0"]),
            "build_opt": r.choice(["-O1", "-O1", "-O2", "-O0"]),
            "merge_src": r.choice(["bc", "bc", "c"]),
            "max_depth": self.D,
            "worst_calls": self.worst,
            "inputs": [x.hex() for x in inputs],
            "functions": [self.manifest_entry(f) for f in self.funcs],
        }

    def gen_input(self, j):
        r = self.r
        depth = self.D if j == 0 or r.random() < 0.6 else r.randint(0, self.D)
        if j == 0 and self.big_site is not None:
            flag = bytes(BIG_MAGIC)
        elif r.random() < 0.3 and self.big_site is not None:
            flag = bytes(BIG_MAGIC)
        else:
            flag = bytes([r.randrange(0, 0xB0), r.randrange(256)])
        k = r.random()
        if k < 0.1:
            return bytes([depth])  # the header cut short
        if k < 0.15:
            return b""  # an empty request: depth 0
        size = r.choice([0, 1, 5, 20, 100, 959, 960, 961, 3000])
        return bytes([depth]) + flag + bytes(r.randrange(256) for _ in range(size))

    def gen_func(self, i):
        r = self.r
        f = {"index": i, "name": self.names[i], "salt": r.getrandbits(64),
             "sites": [], "ops": [], "stored": [], "globals": []}
        # Some functions are C++: their invokes sit in try blocks (LLVM
        # `invoke` instructions with unwind edges), failures become
        # exceptions, and names may live in string objects (fz_string).
        f["lang"] = "cxx" if self.cxx and r.random() < 0.15 else "c"
        self.cur_lang = f["lang"]
        nsites = r.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 5]) if len(self.names) > 1 or r.random() < 0.7 else 0
        nappends = r.randint(0, 5)
        nfails = r.choice([0, 0, 1, 1, 2])
        ops = []
        for s in range(nsites):
            site = self.gen_site(i, s)
            f["sites"].append(site)
            ops.append(("site", site))
        for _ in range(nappends):
            ops.append(("append", self.gen_append()))
        for _ in range(nfails):
            ops.append(("fail", {"shift": r.randrange(0, 58),
                                 "mask": r.choice([7, 15, 15, 31, 63]),
                                 "code": r.choice(FAIL_CODES)}))
        if r.random() < 0.2:
            ops.append(("static", {"text": r.choice([b"Foo got [", b"]\n", b"\0", b"ok"])}))
        if r.random() < 0.25:
            # Writes over its own input (as strtok does): Nightcore gave it a
            # copy, so its callers' buffers must not change.
            ops.append(("scribble", {"off": r.choice([0, 1, 3, 5, 9]),
                                     "n": r.choice([1, 4, 16, 1000]),
                                     "mask": r.randrange(1, 256)}))
        if f["lang"] == "cxx" and r.random() < 0.6:
            ops.append(("inline", {}))
        r.shuffle(ops)
        if r.random() < 0.5:
            # A first byte below the callers' depth, so that callers can pass
            # this output on as an input unchanged.
            ops.insert(0, ("hint", {"shift": r.randrange(0, 60)}))
        if r.random() < 0.2:
            ops.insert(0, ("empty", {"shift": r.randrange(0, 60)}))
        f["ops"] = ops
        # A third of the functions keep a plain worker: no pointer to itself,
        # no busy flag written by the call, so that the pass can prove calls
        # through it the runtime's (they become direct, and a callee that
        # only reads its input gets it uncopied). From the salt: the
        # workflows of earlier seeds stay as they were otherwise.
        f["plain_worker"] = (f["salt"] >> 7) % 3 == 0
        f["check_busy"] = not f["plain_worker"]
        f["epilogue_slices"] = r.random() < 0.7
        return f

    def connect(self):
        """Every function gets called from the entry on some path: a function
        nothing reaches gets a call site in one that is reached."""
        r = self.r
        n = len(self.funcs)
        reached = set()

        def visit(i):
            stack = [i]
            while stack:
                k = stack.pop()
                if k in reached:
                    continue
                reached.add(k)
                for site in self.funcs[k]["sites"]:
                    stack.extend(self.site_fns(site))
        visit(0)
        for j in range(1, n):
            if j in reached:
                continue
            i = r.choice(sorted(x for x in reached if x < j))
            f = self.funcs[i]
            self.cur_lang = f["lang"]
            site = self.gen_site(i, len(f["sites"]))
            site["targets"] = [("fn", j)]
            if site["via"] in ("fake", "maybe_fake"):
                site["via"] = "field"
            if site["form"] in ("select", "table", "table_input", "switch", "stored_table",
                                "mutated_table") or (site["form"] == "string_obj" and f["lang"] == "c"):
                site["form"] = r.choice(["lit", "lit", "stored_lit", "global_ptr", "built"])
            f["sites"].append(site)
            f["ops"].insert(r.randint(0, len(f["ops"])), ("site", site))
            visit(j)

    def gen_append(self):
        r = self.r
        k = r.random()
        base, jit = self.append_size()
        if k < 0.6:
            return {"src": "rand", "base": base, "jitter": jit, "salt": r.getrandbits(32)}
        if k < 0.75:
            return {"src": "input", "off": r.choice([0, 0, 1, 3, 5]), "base": max(base, 1), "jitter": jit}
        if k < 0.9:
            return {"src": "kept", "base": max(base, 1), "jitter": jit, "shift": r.randrange(0, 50)}
        return {"src": "zero"}

    def gen_site(self, i, s):
        r = self.r
        n = len(self.names)
        forms_single = ["lit", "lit", "lit", "lit_var", "local_array", "built",
                        "stored_lit", "stored_heap", "global_ptr", "global_ptr_init",
                        "struct_chars", "mutated_global", "escaped_local", "overwritten_array",
                        "global_array", "global_chars", "helper", "offset", "split",
                        "extern_chars", "rows_2d", "union_chars", "weak_chars", "int_cast"]
        forms_multi = ["select", "table", "table_input", "switch", "stored_table", "mutated_table"]
        if self.cur_lang == "cxx":
            forms_single += ["string_obj", "string_obj"]

        def one_target():
            k = r.random()
            later = list(range(i + 1, n))
            if k < 0.55 and later:
                return ("fn", r.choice(later))
            if k < 0.8 and n > 0:
                return ("fn", r.randrange(0, i + 1))  # recursion
            if k < 0.88 and later:
                return ("fn", r.choice(later))
            return ("missing", self.missing_name())

        if r.random() < 0.7:
            form = r.choice(forms_single)
            targets = [one_target()]
        else:
            form = r.choice(forms_multi)
            targets = [one_target() for _ in range(r.randint(2, 5))]
        for t in targets:
            # A name longer than 63 bytes would not fit a run-time buffer;
            # use literal forms for those.
            pass
        site = {
            "id": s,
            "form": form,
            "targets": targets,
            "loop": r.choice([None, None, None, 1, 2, 3]),
            "loop_shift": r.randrange(0, 58),
            "loop_zero": r.random() < 0.3,
            "input": r.choice(["hdr", "hdr", "hdr", "hdr", "fwd_kept", "fwd_input", "empty"]),
            "payload": self.payload_size(),
            "salt": r.getrandbits(32),
            "propagate": r.random() < 0.4,
            "fail_code": r.choice(FAIL_CODES),
            "select_shift": r.randrange(0, 56),
            "via": r.choice(["field"] * 10 + ["local_fp"] * 3 + ["helper"] * 3 + ["fake", "maybe_fake",
                                                                          "maybe_fake"])
            if form != "helper" else "helper",
            "pass_big": False,
            "gate": r.random() < 0.7,
            "throw": self.cur_lang == "cxx" and r.random() < 0.6,
            # Digest what it passed after the call: a callee must not have
            # written it.
            "check_in": r.random() < 0.5,
        }
        if any(t[0] == "missing" and len(t[1]) > 60 for t in targets) and form in (
                "built", "split", "local_array"):
            site["form"] = "lit"
        return site

    def site_iters(self, site):
        return 1 if site["loop"] is None else site["loop"]

    def site_fns(self, site):
        return [t[1] for t in site["targets"] if t[0] == "fn"]

    def worst_calls(self, d):
        """Largest number of faas_func_call a request of depth d can cause,
        per function: W(f, d) = 1 + sum over sites of iters * max W(t, d-1)."""
        n = len(self.funcs)
        W = [1] * n
        for _ in range(d):
            W = [1 + sum(self.site_iters(s) * max([W[t] for t in self.site_fns(s)] or [0])
                         for s in f["sites"]) for f in self.funcs]
        return W

    def choose_depth(self):
        D = 0
        for d in range(1, 7):
            if self.worst_calls(d)[0] > self.max_calls:
                break
            D = d
        self.D = D
        self.worst = self.worst_calls(D)[0]

    def pick_big_site(self):
        """At most one site of the entry passes the "big" flag on (to a
        function that is not the entry), and at most a few functions have a
        large append, which they make only on a big request."""
        r = self.r
        self.big_site = None
        entry = self.funcs[0]
        if r.random() < 0.12:
            entry["ops"].append(("big", {"size": r.randint(65536, 1 << 20), "salt": r.getrandbits(32)}))
            self.big_site = "entry"
        cands = [s for s in entry["sites"]
                 if s["loop"] is None and self.site_fns(s) and 0 not in self.site_fns(s)
                 and s["input"] == "hdr"]
        if cands and r.random() < 0.1:
            s = r.choice(cands)
            s["pass_big"] = True
            for t in self.site_fns(s):
                f = self.funcs[t]
                f["ops"].insert(r.randint(0, len(f["ops"])),
                                ("big", {"size": r.randint(65536, 1 << 20), "salt": r.getrandbits(32)}))
            self.big_site = s["id"]

    def manifest_entry(self, f):
        return {
            "name": f["name"],
            "file": f["name"] + (".cc" if f["lang"] == "cxx" else ".c"),
            "lang": f["lang"],
            "sites": [{"form": s["form"], "via": s["via"], "input": s["input"],
                       "loop": s["loop"], "propagate": s["propagate"],
                       "targets": [self.names[t[1]] if t[0] == "fn" else
                                   {"missing": t[1].decode(errors="replace")}
                                   for t in s["targets"]]}
                      for s in f["sites"]],
            "ops": [op[0] for op in f["ops"]],
        }

    # ---- C ---------------------------------------------------------------------
    def emit(self, f):
        E = Emitter(self, f)
        return E.source()


PRELUDE = r'''/* Generated by tests/fuzz/gen_workflow.py, seed %(seed)d: function %(name)s
 * (%(index)d of %(n)d). Do not edit; regenerate from the seed. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

#define FZ_MAXD %(maxd)du
#define FZ_MAGIC 0x66757a7a776f726bULL
#define FZ_OFF 0xcbf29ce484222325ULL

/* Not static, and the same in every function of the workflow: merging must
 * keep each function's own (a mix-up changes the output). */
uint64_t fuzz_salt = %(salt)#xULL;
uint64_t fuzz_mix(uint64_t x) {
  x ^= fuzz_salt;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

static int fz_inited;

struct fz_kept {
  const char *p;
  size_t n;
  uint64_t d;
};

struct worker {
  uint64_t magic;
  struct worker *self;
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
  int busy;
  void *cpp[%(nstored)d];
  const char *names[%(nstored)d];
  char *heap[%(nstored)d];
};

__attribute__((unused)) static const char fz_dummy[1] = {0};

__attribute__((unused)) static uint64_t fz_fnv(const void *p, size_t n, uint64_t h) {
  const unsigned char *s = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

__attribute__((unused)) static uint64_t fz_next(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Pseudo-random bytes, about one in eight a NUL. */
__attribute__((unused)) static void fz_fill(char *b, size_t n, uint64_t seed) {
  uint64_t s = seed, v = 0;
  for (size_t i = 0; i < n; i++) {
    if ((i & 7) == 0)
      v = fz_next(&s);
    unsigned char c = (unsigned char)(v >> ((i & 7) * 8));
    b[i] = (char)((c & 7) == 0 ? 0 : c);
  }
}

static void fz_say(struct worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fz_say(struct worker *w, const char *fmt, ...) {
  char b[256];
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(b, sizeof b, fmt, ap);
  va_end(ap);
  if (m < 0)
    m = 0;
  if ((size_t)m >= sizeof b)
    m = sizeof b - 1;
  w->append(w->ctx, b, (size_t)m);
}

/* Appends n pseudo-random bytes from a buffer it then scribbles over and
 * frees: append_output_fn must have copied them. */
__attribute__((unused)) static void fz_append_rand(struct worker *w, size_t n, uint64_t seed) {
  char *b = (char *)malloc(n ? n : 1);
  if (b == NULL)
    abort();
  fz_fill(b, n, seed);
  w->append(w->ctx, b, n);
  memset(b, 0xCC, n);
  free(b);
}

__attribute__((unused)) static void fz_record(struct worker *w, int site, unsigned it, int rc,
                      const char *out, size_t olen, struct fz_kept *kept,
                      int *nk) {
  if (rc == 0) {
    uint64_t d = fz_fnv(out, olen, FZ_OFF);
    if (olen > 0) {
      kept[*nk].p = out;
      kept[*nk].n = olen;
      kept[*nk].d = d;
      (*nk)++;
    }
    fz_say(w, "<s%%d.%%u ok n=%%zu d=%%016llx>", site, it, olen,
           (unsigned long long)d);
  } else {
    fz_say(w, "<s%%d.%%u rc=%%d null=%%d>", site, it, rc,
           out == NULL && olen == 0);
  }
}

/* Has invoke_func_fn's type but is not Nightcore's: answers from a constant
 * string, without calling anyone. */
static const char fz_fake_text[] = "fake reply: not from Nightcore\0 (binary \1\2\3)";
__attribute__((noinline, unused)) static int fz_fake_invoke(void *ctx, const char *name,
                                                            const char *in, size_t n,
                                                            const char **out, size_t *olen) {
  uint64_t d = fz_fnv(in, n, fz_fnv(name, strlen(name), FZ_OFF));
  (void)ctx;
  if ((d & 7u) == 0u)
    return 5; /* not -1: only Nightcore's invoke says -1 */
  *out = fz_fake_text + d %% 8u;
  *olen = (size_t)((d >> 8) %% (sizeof fz_fake_text - 8u));
  return 0;
}

/* Sets a name through a pointer to it (the caller's local escapes). */
__attribute__((noinline, unused)) static void fz_set_name(const char **p, const char *name) {
  *p = name;
}

/* Every call through here has a name the pass cannot see at the site. */
__attribute__((noinline, unused)) static int fz_via(struct worker *w, const char *name,
                                            const char *in, size_t n,
                                            const char **out, size_t *olen) {
  return w->invoke(w->ctx, name, in, n, out, olen);
}
'''


# What C++ functions have on top: an exception type, and a string class in
# the style of DeathStarBench's transports (a heap object whose name is read
# through a virtual c_str()). Its inline members are linkonce_odr in every
# module, so merged C++ functions share them. No STL header: compiling
# <string> would cost more than the rest of the workflow.
CXX_PRELUDE = r'''
struct fz_error {
  int rc;
  explicit fz_error(int r) : rc(r) {}
};

struct fz_string {
  fz_string(const char *s, size_t n) : p_(static_cast<char *>(malloc(n + 1))) {
    if (p_ == NULL)
      throw fz_error(-3);
    memcpy(p_, s, n);
    p_[n] = 0;
  }
  virtual ~fz_string() { free(p_); }
  virtual const char *c_str() const { return p_; }

private:
  char *p_;
};
'''

# C++ functions end their prelude with inline code of the same names in
# every function (after fuzz_mix, which it calls).
CXX_INLINE = r'''
/* Inline code under the same names in every C++ function of the workflow,
 * with state or bodies of its own: a function-local static, one with a
 * dynamic initializer (guard variable), and a class whose inline members
 * and vtable differ from function to function. Apart, each function has
 * its own; merged, each must keep its own. */
inline uint64_t &fz_slot() {
  static uint64_t v;
  return v;
}
inline uint64_t fz_once() {
  static const uint64_t v = fuzz_mix(0x5eedULL);
  return v;
}
struct fz_handler {
  virtual ~fz_handler() {}
  virtual uint64_t tag() const { return %(salt)#xULL; }
  uint64_t twice() const { return tag() * 2u + %(index)du; }
};
__attribute__((noinline, unused)) static fz_handler *fz_new_handler() {
  return new fz_handler;
}
'''


class Emitter:
    def __init__(self, gen, f):
        self.g = gen
        self.f = f
        self.lines = []
        self.globals = []
        self.create_lines = []
        self.destroy_lines = []
        self.init_lines = []
        self.nstored = 0
        self.kmax = 0
        self.tmp = 0

    def name_bytes(self, t):
        return self.g.names[t[1]].encode() if t[0] == "fn" else t[1]

    def decoy(self, name):
        """Another name of the workflow (or a missing one) than name."""
        others = [n.encode() for n in self.g.names if n.encode() != name]
        return self.g.r.choice(others) if others else name + b"x"

    def w(self, s, ind=1):
        self.lines.append("  " * ind + s)

    def shift_expr(self, shift, mod):
        return "((h >> %d) %% %du)" % (shift, mod) if mod > 1 else "0u"

    # ---- names -------------------------------------------------------------
    def name_code(self, site, ind):
        """Lines that set `const char *nm` for this site."""
        sid = site["id"]
        form = site["form"]
        tg = site["targets"]
        nb = [self.name_bytes(t) for t in tg]
        L = []
        if form in ("lit", "helper"):
            L.append("const char *nm = %s;" % c_str(nb[0]))
        elif form == "lit_var":
            L.append("const char *nm;")
            L.append("nm = %s;" % c_str(nb[0]))
        elif form == "local_array":
            L.append("char nmbuf[] = %s;" % c_str(nb[0]))
            L.append("const char *nm = nmbuf;")
        elif form == "built":
            key = self.g.r.randrange(1, 256)
            enc = bytes(b ^ key for b in nb[0])
            L.append("static const unsigned char enc[] = {%s};" %
                     ", ".join(str(x) for x in enc) if enc else "static const unsigned char enc[1] = {0};")
            L.append("volatile unsigned char key = %d;" % key)
            L.append("char nmbuf[%d];" % (len(nb[0]) + 1))
            L.append("for (size_t k = 0; k < %d; k++)" % len(nb[0]))
            L.append("  nmbuf[k] = (char)(enc[k] ^ key);")
            L.append("nmbuf[%d] = 0;" % len(nb[0]))
            L.append("const char *nm = nmbuf;")
        elif form == "split":
            cut = self.g.r.randint(0, len(nb[0]))
            L.append("char nmbuf[%d];" % (len(nb[0]) + 8))
            L.append("snprintf(nmbuf, sizeof nmbuf, \"%%s%%s\", %s, %s);" %
                     (c_str(nb[0][:cut]), c_str(nb[0][cut:])))
            L.append("const char *nm = nmbuf;")
        elif form == "offset":
            pre = bytes(self.g.r.choice(ALNUM.encode()) for _ in range(self.g.r.randint(1, 4)))
            L.append("const char *nm = %s + %d;" % (c_str(pre + nb[0]), len(pre)))
        elif form in ("stored_lit", "stored_heap"):
            k = self.nstored
            self.nstored += 1
            if form == "stored_lit":
                self.create_lines.append("w->names[%d] = %s;" % (k, c_str(nb[0])))
            else:
                self.create_lines.append("w->heap[%d] = strdup(%s);" % (k, c_str(nb[0])))
                self.create_lines.append("if (w->heap[%d] == NULL) abort();" % k)
                self.create_lines.append("w->names[%d] = w->heap[%d];" % (k, k))
                self.destroy_lines.append("free(w->heap[%d]);" % k)
            L.append("const char *nm = w->names[%d];" % k)
        elif form == "string_obj":
            # DeathStarBench's transports: a string object set far away,
            # passed as c_str().
            k = self.nstored
            self.nstored += 1
            self.create_lines.append("w->cpp[%d] = new fz_string(%s, %d);" % (k, c_str(nb[0]), len(nb[0])))
            self.destroy_lines.append("delete static_cast<fz_string *>(w->cpp[%d]);" % k)
            L.append("const char *nm = static_cast<fz_string *>(w->cpp[%d])->c_str();" % k)
        elif form == "global_ptr":
            g = "fz_gp_%d" % sid
            self.globals.append("static const char *%s = %s;" % (g, c_str(nb[0])))
            L.append("const char *nm = %s;" % g)
        elif form == "global_ptr_init":
            # Starts as another function's name and is set in faas_init: a
            # merge must not take the initializer for the name.
            g = "fz_gpi_%d" % sid
            self.globals.append("static const char *%s = %s;" % (g, c_str(self.decoy(nb[0]))))
            self.init_lines.append("%s = %s;" % (g, c_str(nb[0])))
            L.append("const char *nm = %s;" % g)
        elif form == "struct_chars":
            # The name is a char array inside a constant struct.
            g = "fz_route_%d" % sid
            self.globals.append("static const struct { int id; char name[%d]; } %s = {%d, %s};" % (
                len(nb[0]) + 1 + self.g.r.randint(0, 3), g, sid, c_str(nb[0])))
            L.append("const char *nm = %s.name;" % g)
        elif form == "mutated_global":
            # A writable global that holds another name until just before the
            # call (every thread writes the same bytes).
            g = "fz_mg_%d" % sid
            dec = self.decoy(nb[0])
            self.globals.append("static char %s[%d] = %s;" % (g, max(len(nb[0]), len(dec)) + 1, c_str(dec)))
            L.append("memcpy(%s, %s, %d);" % (g, c_str(nb[0]), len(nb[0]) + 1))
            L.append("const char *nm = %s;" % g)
        elif form == "escaped_local":
            # A local pointer that holds another name until a call that gets
            # its address sets it.
            L.append("const char *nm = %s;" % c_str(self.decoy(nb[0])))
            L.append("fz_set_name(&nm, %s);" % c_str(nb[0]))
        elif form == "overwritten_array":
            dec = self.decoy(nb[0])
            L.append("char nmbuf[%d] = %s;" % (max(len(nb[0]), len(dec)) + 1, c_str(dec)))
            L.append("memcpy(nmbuf, %s, %d);" % (c_str(nb[0]), len(nb[0]) + 1))
            L.append("const char *nm = nmbuf;")
        elif form == "global_array":
            g = "fz_ga_%d" % sid
            self.globals.append("static const char %s[] = %s;" % (g, c_str(nb[0])))
            L.append("const char *nm = %s;" % g)
        elif form == "global_chars":
            g = "fz_gc_%d" % sid
            self.globals.append("static char %s[] = %s;" % (g, c_str(nb[0])))
            L.append("const char *nm = %s;" % g)
        elif form == "extern_chars":
            # A writable array other code may change (external linkage): the
            # pass cannot prove its bytes and must look the name up at run time.
            g = "fz_xc_%d" % sid
            self.globals.append("char %s[] = %s;" % (g, c_str(nb[0])))
            L.append("const char *nm = %s;" % g)
        elif form == "rows_2d":
            g = "fz_rows_%d" % sid
            dec = self.decoy(nb[0])
            width = max(len(nb[0]), len(dec)) + 1
            self.globals.append("char %s[][%d] = {%s, %s};" % (g, width, c_str(dec), c_str(nb[0])))
            L.append("const char *nm = %s[1];" % g)
        elif form == "union_chars":
            g = "fz_un_%d" % sid
            self.globals.append("union { char n[%d]; long l; } %s = {%s};" % (
                len(nb[0]) + 1, g, c_str(nb[0])))
            L.append("const char *nm = %s.n;" % g)
        elif form == "weak_chars":
            g = "fz_wk_%d" % sid
            # extern: a const array at namespace scope is internal in C++.
            self.globals.append("__attribute__((weak)) %sconst char %s[] = %s;" % (
                "extern " if self.f.get("lang") == "cxx" else "", g, c_str(nb[0])))
            L.append("const char *nm = %s;" % g)
        elif form == "int_cast":
            L.append("const char *nm = (const char *)(uintptr_t)(const void *)%s;" % c_str(nb[0]))
        elif form == "select":
            L.append("unsigned sel = %s;" % self.shift_expr(site["select_shift"], len(nb)))
            expr = c_str(nb[-1])
            for j in range(len(nb) - 2, -1, -1):
                expr = "sel == %du ? %s : %s" % (j, c_str(nb[j]), expr)
            L.append("const char *nm = %s;" % expr)
        elif form == "table":
            g = "fz_tbl_%d" % sid
            self.globals.append("static const char *const %s[%d] = {%s};" %
                                (g, len(nb), ", ".join(c_str(x) for x in nb)))
            L.append("const char *nm = %s[%s];" % (g, self.shift_expr(site["select_shift"], len(nb))))
        elif form == "table_input":
            g = "fz_tbi_%d" % sid
            self.globals.append("static const char *const %s[%d] = {%s};" %
                                (g, len(nb), ", ".join(c_str(x) for x in nb)))
            pos = self.g.r.randint(3, 8)
            L.append("const char *nm = %s[len > %d ? (unsigned char)input[%d] %% %du : 0u];" %
                     (g, pos, pos, len(nb)))
        elif form == "switch":
            L.append("const char *nm;")
            L.append("switch (%s) {" % self.shift_expr(site["select_shift"], len(nb)))
            for j, x in enumerate(nb):
                if j == len(nb) - 1:
                    L.append("default: nm = %s; break;" % c_str(x))
                else:
                    L.append("case %d: nm = %s; break;" % (j, c_str(x)))
            L.append("}")
        elif form == "mutated_table":
            # A table of names that faas_init fills in over other names.
            g = "fz_mt_%d" % sid
            self.globals.append("static const char *%s[%d] = {%s};" % (
                g, len(nb), ", ".join(c_str(self.decoy(x)) for x in nb)))
            for j, x in enumerate(nb):
                self.init_lines.append("%s[%d] = %s;" % (g, j, c_str(x)))
            L.append("const char *nm = %s[%s];" % (g, self.shift_expr(site["select_shift"], len(nb))))
        elif form == "stored_table":
            base = self.nstored
            for j, x in enumerate(nb):
                self.create_lines.append("w->names[%d] = %s;" % (base + j, c_str(x)))
            self.nstored += len(nb)
            L.append("const char *nm = w->names[%d + %s];" %
                     (base, self.shift_expr(site["select_shift"], len(nb))))
        else:
            raise AssertionError(form)
        for x in L:
            self.w(x, ind)

    # ---- a call site ------------------------------------------------------------
    def site_code(self, site):
        sid = site["id"]
        iters = self.g.site_iters(site)
        self.kmax += iters
        may_recurse = any(t[0] == "fn" for t in site["targets"])
        self.w("/* site %d: %s -> %s */" % (sid, site["form"], ", ".join(
            self.g.names[t[1]] if t[0] == "fn" else "missing" for t in site["targets"])))
        self.w("if (%s) {" % ("depth > 0" if may_recurse or site["gate"] else "1"))
        if site["loop"] is None:
            self.w("unsigned iters = 1;", 2)
        elif site["loop_zero"]:
            self.w("unsigned iters = %s;" % self.shift_expr(site["loop_shift"], site["loop"] + 1), 2)
        else:
            self.w("unsigned iters = 1u + %s;" % self.shift_expr(site["loop_shift"], site["loop"]), 2)
        self.w("for (unsigned it = 0; it < iters; it++) {", 2)
        ind = 3
        self.name_code(site, ind)
        # The input.
        base, jit = site["payload"]
        self.w("char *ibuf = NULL;", ind)
        self.w("const char *iptr = NULL;", ind)
        self.w("size_t ilen = 0;", ind)
        mode = site["input"]
        if mode == "fwd_kept":
            self.w("if (nk > 0 && (unsigned char)kept[nk - 1].p[0] < depth) {", ind)
            self.w("iptr = kept[nk - 1].p;", ind + 1)
            self.w("ilen = kept[nk - 1].n;", ind + 1)
            self.w("}", ind)
        elif mode == "fwd_input":
            self.w("for (size_t k = 1; k < len; k++)", ind)
            self.w("if ((unsigned char)input[k] < depth) {", ind + 1)
            self.w("iptr = input + k;", ind + 2)
            self.w("ilen = len - k;", ind + 2)
            self.w("break;", ind + 2)
            self.w("}", ind + 1)
        elif mode == "empty":
            self.w("iptr = fz_dummy;", ind)
        self.w("if (iptr == NULL) {", ind)
        jexpr = " + (size_t)%s" % self.shift_expr((site["salt"] % 50), jit + 1) if jit else ""
        self.w("ilen = 3 + (size_t)%d%s;" % (base, jexpr), ind + 1)
        self.w("ibuf = (char *)malloc(ilen);", ind + 1)
        self.w("if (ibuf == NULL) abort();", ind + 1)
        self.w("ibuf[0] = (char)(depth - 1u);", ind + 1)
        if site["pass_big"]:
            self.w("ibuf[1] = big ? (char)0x%02x : 0;" % BIG_MAGIC[0], ind + 1)
            self.w("ibuf[2] = big ? (char)0x%02x : 0;" % BIG_MAGIC[1], ind + 1)
        else:
            self.w("ibuf[1] = 0;", ind + 1)
            self.w("ibuf[2] = (char)it;", ind + 1)
        self.w("fz_fill(ibuf + 3, ilen - 3, h ^ 0x%xULL ^ ((uint64_t)it << 40));" % site["salt"], ind + 1)
        self.w("iptr = ibuf;", ind + 1)
        self.w("}", ind)
        # The call.
        self.w("const char *out = fz_dummy + 1;", ind)
        self.w("size_t olen = (size_t)0x5a5a5a5a;", ind)
        via = site["via"]
        args = "nm, iptr, ilen, &out, &olen"
        if via == "helper" or site["form"] == "helper":
            call = "fz_via(w, %s)" % args
        elif via == "local_fp":
            self.w("faas_invoke_func_fn_t fp = w->invoke;", ind)
            call = "fp(w->ctx, %s)" % args
        elif via == "fake":
            # A function of invoke_func_fn's type that is not Nightcore's: a
            # merge must leave such calls alone.
            self.w("faas_invoke_func_fn_t fp = fz_fake_invoke;", ind)
            call = "fp(w->ctx, %s)" % args
        elif via == "maybe_fake":
            self.w("faas_invoke_func_fn_t fp = ((h >> %d) & 3u) == 0u ? fz_fake_invoke : w->invoke;" %
                   (site["salt"] % 60), ind)
            call = "fp(w->ctx, %s)" % args
        else:
            call = "w->invoke(w->ctx, %s)" % args
        if self.f["lang"] == "cxx":
            # In a try block the call is an `invoke` with an unwind edge;
            # a failure may come back as an exception.
            self.w("int rc;", ind)
            self.w("try {", ind)
            self.w("rc = %s;" % call, ind + 1)
            if site["throw"]:
                self.w("if (rc != 0)", ind + 1)
                self.w("throw fz_error(rc);", ind + 2)
            self.w("} catch (const fz_error &e) {", ind)
            self.w("rc = e.rc;", ind + 1)
            self.w("}", ind)
        else:
            self.w("int rc = %s;" % call, ind)
        if site.get("check_in"):
            self.w("fz_say(w, \"<in%d %%016llx>\", (unsigned long long)fz_fnv(iptr, ilen, FZ_OFF));" % sid,
                   ind)
        self.w("if (ibuf != NULL) {", ind)
        self.w("memset(ibuf, 0xEE, ilen);", ind + 1)
        self.w("free(ibuf);", ind + 1)
        self.w("}", ind)
        self.w("fz_record(w, %d, it, rc, out, olen, kept, &nk);" % sid, ind)
        if site["propagate"]:
            self.w("if (rc != 0) {", ind)
            self.w("ret = %d;" % site["fail_code"], ind + 1)
            self.w("goto done;", ind + 1)
            self.w("}", ind)
        self.w("}", 2)
        self.w("}")

    def append_code(self, a, k):
        src = a["src"]
        if src == "zero":
            self.w("w->append(w->ctx, fz_dummy, 0);")
            return
        base, jit = a["base"], a["jitter"]
        jexpr = " + (size_t)%s" % self.shift_expr(k * 7 % 50, jit + 1) if jit else ""
        if src == "rand":
            self.w("fz_append_rand(w, (size_t)%d%s, h ^ 0x%xULL);" % (base, jexpr, a["salt"]))
        elif src == "input":
            self.w("if (len > %d) {" % a["off"])
            self.w("size_t n = (size_t)%d%s;" % (base, jexpr), 2)
            self.w("w->append(w->ctx, input + %d, n < len - %d ? n : len - %d);" %
                   (a["off"], a["off"], a["off"]), 2)
            self.w("} else {")
            self.w("w->append(w->ctx, input, 0);", 2)
            self.w("}")
        elif src == "kept":
            self.w("if (nk > 0) {")
            self.w("const struct fz_kept *kp = &kept[%s %% (unsigned)nk];" % self.shift_expr(a["shift"], 1 << 16), 2)
            self.w("size_t off = (size_t)(h >> 7) % kp->n;", 2)
            self.w("size_t n = (size_t)%d%s;" % (base, jexpr), 2)
            self.w("w->append(w->ctx, kp->p + off, n < kp->n - off ? n : kp->n - off);", 2)
            self.w("}")

    def body(self):
        f = self.f
        k = 0
        for kind, op in f["ops"]:
            k += 1
            if kind == "site":
                self.site_code(op)
            elif kind == "append":
                self.w("/* append: %s */" % op["src"])
                self.append_code(op, k)
            elif kind == "fail":
                self.w("if (((h >> %d) & %du) == %du) {" % (op["shift"], op["mask"], op["mask"] // 2))
                self.w("ret = %d;" % op["code"], 2)
                self.w("goto done;", 2)
                self.w("}")
            elif kind == "static":
                self.w("w->append(w->ctx, %s, %d);" % (c_str(op["text"]), len(op["text"])))
            elif kind == "hint":
                self.w("{")
                self.w("char hint = (char)((h >> %d) %% 3u);" % op["shift"], 2)
                self.w("w->append(w->ctx, &hint, 1);", 2)
                self.w("}")
            elif kind == "empty":
                self.w("if (((h >> %d) & 7u) == 0u)" % op["shift"])
                self.w("goto done; /* success, no output at all */", 2)
            elif kind == "scribble":
                self.w("/* writes its input: Nightcore handed it a copy */")
                self.w("if (len > %d) {" % op["off"])
                self.w("char *wi = (char *)input;", 2)
                self.w("size_t n = len - %d < %d ? len - %d : %d;" % (op["off"], op["n"], op["off"], op["n"]), 2)
                self.w("for (size_t k = 0; k < n; k++)", 2)
                self.w("wi[%d + k] = wi[%d + k] == 0 ? 'x' : (char)(wi[%d + k] ^ %d);" % (
                    op["off"], op["off"], op["off"], op["mask"]), 3)
                self.w("}")
            elif kind == "inline":
                self.w("/* inline functions and a class under names every C++ function uses */")
                self.w("{")
                self.w("fz_handler *hd = fz_new_handler();", 2)
                self.w("fz_say(w, \"<inline slot=%d once=%016llx tag=%016llx>\", fz_slot() == fuzz_salt,", 2)
                self.w("(unsigned long long)fz_once(), (unsigned long long)hd->twice());", 3)
                self.w("delete hd;", 2)
                self.w("}")
            elif kind == "big":
                self.w("if (big)")
                self.w("fz_append_rand(w, (size_t)%d - (size_t)((h >> 11) %% 4096u), h ^ 0x%xULL);"
                       % (op["size"], op["salt"]), 2)

    def source(self):
        f = self.f
        g = self.g
        self.body()
        body = self.lines
        self.lines = []
        kmax = max(self.kmax, 1)
        out = []
        prelude = PRELUDE
        if f["lang"] == "cxx":
            prelude = prelude.replace('#include "faas/worker_v1_interface.h"\n',
                                      '#include "faas/worker_v1_interface.h"\n' + CXX_PRELUDE)
            prelude += CXX_INLINE
        out.append(prelude % {"seed": g.seed, "name": f["name"], "index": f["index"],
                              "n": len(g.names), "maxd": g.D, "salt": f["salt"],
                              "nstored": max(self.nstored, 1)})
        out.extend(self.globals)
        out.append("")
        out.append("int faas_init(void) {")
        out.append("  fz_inited++;")
        if f["lang"] == "cxx":
            out.append("  fz_slot() = fuzz_salt;")
        for x in self.init_lines:
            out.append("  " + x)
        out.append("  return 0;")
        out.append("}")
        out.append("")
        self_check = "" if f["plain_worker"] else " || w->self != w"
        busy_in = ("\n  int reentered = w->busy;\n  w->busy = 1;\n  if (reentered)"
                   "\n    fz_say(w, \"!REENTERED!\");" if f["check_busy"] else "")
        out.append("""int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = (struct worker *)calloc(1, sizeof *w);
  if (w == NULL)
    return -1;
  w->magic = FZ_MAGIC;%s
  w->ctx = caller_context;
  w->invoke = invoke_func_fn;
  w->append = append_output_fn;""" % ("" if f["plain_worker"] else "\n  w->self = w;"))
        for x in self.create_lines:
            out.append("  " + x)
        out.append("""  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  struct worker *w = (struct worker *)worker_handle;
  if (w == NULL || w->magic != FZ_MAGIC%s)
    abort();""" % self_check)
        for x in self.destroy_lines:
            out.append("  " + x)
        out.append("""  w->magic = 0;
  free(w);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = (struct worker *)worker_handle;
  if (w == NULL || w->magic != FZ_MAGIC%s)
    abort(); /* not a handle this library made */
  int ret = 0;%s
  if (fz_inited != 1)
    fz_say(w, "!INIT=%%d!", fz_inited);
  unsigned depth = len > 0 ? (unsigned char)input[0] : 0u;
  if (depth > FZ_MAXD)
    depth = FZ_MAXD;
  int big = len >= 3 && (unsigned char)input[1] == 0x%02xu && (unsigned char)input[2] == 0x%02xu;
  uint64_t h = fuzz_mix(fz_fnv(input, len, FZ_OFF));
  struct fz_kept kept[%d];
  int nk = 0;
  (void)big;
  (void)kept;""" % (self_check, busy_in, BIG_MAGIC[0], BIG_MAGIC[1], kmax))
        out.extend(body)
        out.append("""  if (ret != 0)
    goto done;
  /* Every output received, read again after the last invoke. */
  {
    uint64_t all = FZ_OFF;
    int clobbered = 0;
    for (int i = 0; i < nk; i++) {
      uint64_t d = fz_fnv(kept[i].p, kept[i].n, FZ_OFF);
      clobbered += d != kept[i].d;
      all = fz_fnv(&d, sizeof d, all);
    }
    fz_say(w, "<end k=%d all=%016llx clobbered=%d>", nk, (unsigned long long)all, clobbered);""")
        if f["epilogue_slices"]:
            out.append("""    for (int i = 0; i < nk; i++) {
      size_t off = (size_t)((h >> (i % 40)) % kept[i].n);
      size_t n = kept[i].n - off < 24 ? kept[i].n - off : 24;
      w->append(w->ctx, kept[i].p + off, n);
    }""")
        out.append("""  }
done:%s
  return ret;
}
""" % ("\n  w->busy = 0;" if f["check_busy"] else ""))
        return "\n".join(out)


def generate(seed, outdir, max_funcs=20, max_calls=300, cxx=True):
    g = Gen(seed, max_funcs, max_calls, cxx)
    manifest = g.generate()
    os.makedirs(outdir, exist_ok=True)
    for f in g.funcs:
        src = g.emit(f)
        with open(os.path.join(outdir, f["name"] + (".cc" if f["lang"] == "cxx" else ".c")), "w") as fp:
            fp.write(src)
    with open(os.path.join(outdir, "workflow.json"), "w") as fp:
        json.dump(manifest, fp, indent=1)
        fp.write("\n")
    return manifest


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="Write a random Nightcore workflow as C sources.")
    ap.add_argument("seed", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--max-funcs", type=int, default=20, help="at most this many functions (1-20)")
    ap.add_argument("--no-cxx", action="store_true", help="only C functions")
    ap.add_argument("--max-calls", type=int, default=300,
                    help="bound on the calls one request may make (sets the depth)")
    a = ap.parse_args(argv)
    generate(a.seed, a.outdir, a.max_funcs, a.max_calls, not a.no_cxx)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
