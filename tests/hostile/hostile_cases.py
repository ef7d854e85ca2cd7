#!/usr/bin/env python3
"""The hostile-input table (cases.tsv), one row per case: each must exit
with its code and print exactly one line on stderr, matching its regex; no
crash, abort, stack dump or output file left behind.

lit runs each row as a test of its own (lit.local.cfg: HostileCases, named
hostile/cases.tsv/<case>). By hand:

    hostile_cases.py TABLE LLVM_VERSION TMPDIR KEY=VALUE...

runs every row and prints one line per case and "N passed, M failed".
KEY=VALUE pairs fill the {KEY} placeholders of the commands."""
import fcntl
import os
import re
import subprocess
import sys

SETUP = """
set -e
cd {tmp}
{clang} -O1 -fPIC -I{include} -emit-llvm -c {examples}/foo.c -o foo.bc
{clang} -O1 -fPIC -I{include} -emit-llvm -c {examples}/bar.c -o bar.bc
{clang} -O1 -fPIC -shared -I{include} {examples}/foo.c -o libfoo.so
{opt} -load-pass-plugin={plugin} -passes='faasfuse-callee<Bar>' bar.bc -o bar.callee.bc
{clang} -flto -c bar.callee.bc -o bar.callee.lto.o
{opt} -load-pass-plugin={plugin} -passes='faasfuse<link=Bar:bar.bc>' foo.bc -o fused.bc
mkdir -p dir.bc
printf 'BC\\300\\336 this is not bitcode' > corrupt.bc
head -c 100 bar.bc > truncated.bc
truncate -s 3G huge
printf 'this is not bitcode' > garbage.bc
rm -f fifo && mkfifo fifo
cp {examples}/bar.c bar.c
"""


def sh(cmd, cwd=None):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=cwd)


def read_table(path):
    """(name, applies-to, exit code, stderr regex, command) per row."""
    rows = []
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        rows.append(tuple(line.rstrip("\n").split("\t")))
    return rows


def slug(name):
    return re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-")


def applies(cond, version):
    return (cond == "*" or (cond.startswith("<") and version < int(cond[1:])) or
            (cond.startswith(">=") and version >= int(cond[2:])))


def fixtures(subs, stamp):
    """Builds the files every row may use in subs["tmp"], once for a given
    stamp (what they are built from), under a lock: lit runs rows at once."""
    tmp = subs["tmp"]
    os.makedirs(tmp, exist_ok=True)
    with open(os.path.join(tmp, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = os.path.join(tmp, ".built")
        if os.path.exists(done) and open(done).read() == stamp:
            return None
        r = sh(SETUP.format(**subs))
        if r.returncode != 0:
            return "setup failed:\n" + r.stderr
        with open(done, "w") as fp:
            fp.write(stamp)
    return None


def run_row(row, subs, out):
    """Runs one row; returns (ok, report). `out` is the output path its
    command writes, which must not exist afterwards."""
    name, cond, code, regex, cmd = row
    s = dict(subs, out=out)
    cmd = cmd.format(**s)
    regex = regex.replace("{tmp}", re.escape(subs["tmp"])).replace("{inputs}", re.escape(subs["inputs"]))
    if os.path.exists(out):
        os.remove(out)
    r = sh(cmd, cwd=subs["tmp"])
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    problems = []
    if r.returncode != int(code):
        problems.append("exit %d, expected %s" % (r.returncode, code))
    if len(lines) != 1:
        problems.append("%d lines on stderr, expected 1" % len(lines))
    elif not re.fullmatch(regex, lines[0]):
        problems.append("stderr %r does not match %r" % (lines[0], regex))
    if re.search(r"Stack dump|Segmentation|Aborted|PLEASE submit", r.stderr):
        problems.append("crashed")
    if os.path.exists(out):
        problems.append("left an output file behind")
    report = "%s\n  command: %s\n  exit: %d\n  stderr: %s" % (
        "; ".join(problems) or "ok", cmd, r.returncode, r.stderr.strip())
    return not problems, report


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    table, version, tmp = argv[0], int(argv[1]), os.path.abspath(argv[2])
    subs = dict(kv.split("=", 1) for kv in argv[3:])
    subs.update(tmp=tmp, long_name="A" * 300)
    err = fixtures(subs, "by hand")
    if err:
        print("hostile_cases: " + err, file=sys.stderr)
        return 1
    passed = failed = skipped = 0
    for row in read_table(table):
        if not applies(row[1], version):
            print("skipped: %s (LLVM %d)" % (row[0], version))
            skipped += 1
            continue
        ok, report = run_row(row, subs, os.path.join(tmp, "out.bc"))
        print(("ok: %s" if ok else "FAILED: %s: ") % row[0] + ("" if ok else report))
        passed += ok
        failed += not ok
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
