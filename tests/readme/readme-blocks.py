#!/usr/bin/env python3
"""Runs the shell blocks of a Markdown file (README.md) as a newcomer would
paste them, and checks the outputs it shows.

    readme-blocks.py [--root DIR] [--scratch DIR] [--list] [MARKDOWN]

MARKDOWN (default README.md, relative to --root) is read; every fenced
block whose info string is sh, bash or console is a block of commands. They
run in order, each with `bash -e -o pipefail` from the root of a scratch
copy of the repository (the files `git ls-files` lists, copied from the
working tree, so uncommitted edits count; every file but build*/ and out/
outside a git checkout), where build/, build-14/ and
build-22/ are symbolic links to those of --root (nothing is rebuilt).

Markers, an HTML comment on the line before a fence (blank lines between
are allowed):
  <!-- not run ... -->  the next block is not run (set-up commands such as
                        `make check`, or a sketch whose files do not exist)
  <!-- output -->       the next block (any info string) is what the
                        preceding command block prints, stdout and stderr
                        together; it must match exactly (trailing spaces
                        and trailing blank lines aside)

Exit status: 0 every block ran and every output matched; 1 a block failed
or an output differs (one line `README.md:LINE: ...`, then what the block
printed); 2 a usage error. --list prints the blocks and what would be done
with each, without running anything.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([^\s`]*)")
MARKER = re.compile(r"^\s*<!--\s*(.*?)\s*-->\s*$")
SHELL = {"sh", "bash", "console", "shell"}


def blocks(path):
    """[(line number of the fence, info, marker or None, text)]"""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    marker = None
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line)
        if m:
            marker = m.group(1)
            i += 1
            continue
        f = FENCE.match(line)
        if f:
            indent, fence, info = f.group(1), f.group(2), f.group(3).lower()
            body = []
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence[0] * len(fence)):
                body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
                j += 1
            if j == len(lines):
                raise SystemExit(f"{os.path.basename(path)}:{i + 1}: unterminated code block")
            out.append((i + 1, info, marker, "\n".join(body)))
            marker = None
            i = j + 1
            continue
        if line.strip():
            marker = None  # a marker applies only to the block right after it
        i += 1
    return out


def normalize(text):
    lines = [l.rstrip() for l in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def scratch_copy(root, dest):
    r = subprocess.run(["git", "-C", root, "ls-files", "-z"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode == 0:
        files = [f for f in r.stdout.decode().split("\0") if f]
    else:
        # Not a git checkout (a release tarball): every file but builds and
        # outputs.
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if not (d == root and (x in (".git", "out") or
                                                              x == "build" or x.startswith("build-")))]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    for rel in files:
        if not rel:
            continue
        src = os.path.join(root, rel)
        if not os.path.lexists(src):
            continue  # deleted in the working tree
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)
    for b in ("build", "build-14", "build-22"):
        if os.path.isdir(os.path.join(root, b)):
            os.symlink(os.path.join(root, b), os.path.join(dest, b))


def main():
    ap = argparse.ArgumentParser(prog="readme-blocks.py")
    ap.add_argument("markdown", nargs="?", default="README.md")
    ap.add_argument("--root", default=".", help="the repository (default: .)")
    ap.add_argument("--scratch", help="where to make the copy (emptied first; default: a "
                    "temporary directory, removed when every block passed)")
    ap.add_argument("--list", action="store_true", help="list the blocks, run nothing")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per block (default 600)")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    md = a.markdown if os.path.isabs(a.markdown) else os.path.join(root, a.markdown)
    if not os.path.isfile(md):
        print(f"readme-blocks: {md}: no such file", file=sys.stderr)
        return 2
    name = os.path.relpath(md, root) if md.startswith(root + os.sep) else md
    bl = blocks(md)

    plan = []  # (line, "run" | "output" | "skip", info, text)
    for line, info, marker, text in bl:
        if marker is not None and marker.startswith("output"):
            plan.append((line, "output", info, text))
        elif info in SHELL and marker is not None and marker.startswith("not run"):
            plan.append((line, "skip", info, text))
        elif info in SHELL:
            plan.append((line, "run", info, text))
    if a.list:
        for line, what, info, text in plan:
            first = text.strip().split("\n")[0] if text.strip() else ""
            print(f"{name}:{line}: {what:6} {first}")
        return 0

    if a.scratch:
        scratch = os.path.abspath(a.scratch)
        shutil.rmtree(scratch, ignore_errors=True)
        os.makedirs(scratch)
    else:
        scratch = tempfile.mkdtemp(prefix="readme-blocks.")
    scratch_copy(root, scratch)

    last = None  # (line, output) of the last block run
    ran = checked = 0
    for line, what, info, text in plan:
        if what == "skip":
            continue
        if what == "output":
            if last is None:
                print(f"{name}:{line}: an <!-- output --> block with no command block before it",
                      file=sys.stderr)
                return 1
            want, got = normalize(text), normalize(last[1])
            if want != got:
                print(f"{name}:{line}: the output shown differs from what the block at line "
                      f"{last[0]} printed", file=sys.stderr)
                print("--- shown\n" + "\n".join(want) + "\n--- printed\n" + "\n".join(got),
                      file=sys.stderr)
                return 1
            checked += 1
            continue
        t0 = time.time()
        try:
            r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], cwd=scratch,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=a.timeout)
        except subprocess.TimeoutExpired:
            print(f"{name}:{line}: the block did not finish in {a.timeout} s", file=sys.stderr)
            return 1
        out = r.stdout.decode(errors="replace")
        if r.returncode != 0:
            print(f"{name}:{line}: the block failed (exit {r.returncode}); it printed:",
                  file=sys.stderr)
            sys.stderr.write(out)
            return 1
        print(f"{name}:{line}: ok ({time.time() - t0:.1f} s)")
        ran += 1
        last = (line, out)
    print(f"readme-blocks: {ran} blocks ran, {checked} outputs matched")
    if not a.scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
