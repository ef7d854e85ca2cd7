#!/usr/bin/env python3
"""The manifest-error table (cases.tsv): each row is a manifest with one
mistake, and the one line that says it. Both tools that read manifests
must refuse it with exit 2 and exactly that line on stderr (after their
own prefix), and nothing on stdout:

    faas-app check app.json         ->  faas-app: LINE
    faas-run --app app.json Front   ->  faas-run: LINE

and faas-run-asan (faas-run under ASan+UBSan, leaks included) the same as
faas-run, when it is built.

lit runs each row as a test of its own (lit.local.cfg: ManifestCases,
named app/manifest-errors/cases.tsv/<case>). By hand, from the build
directory's bin/:

    manifest_cases.py TABLE BINDIR TMPDIR

runs every row and prints "N passed, M failed".

Columns (tab-separated): case, the expected line, the manifest's text
(written to app.json in a directory of the row's own; "<none>": no such
file, "<directory>": app.json is a directory). In the manifest, {A300}
stands for 300 A's."""
import os
import re
import shutil
import subprocess
import sys

try:
    import lit.formats
    import lit.Test
except ImportError:  # by hand, without lit
    lit = None


def read_table(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) != 3:
            raise ValueError("%s: a row of %d columns, expected 3: %r" % (path, len(cells), line))
        rows.append(tuple(cells))
    return rows


def slug(name):
    return re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-")


def run_row(row, bindir, tmp):
    """Runs one row in tmp (made afresh); returns (ok, report)."""
    name, line, text = row
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    manifest = os.path.join(tmp, "app.json")
    if text == "<directory>":
        os.mkdir(manifest)
    elif text != "<none>":
        with open(manifest, "w", encoding="utf-8") as fp:
            fp.write(text.replace("{A300}", "A" * 300))
    problems, report = [], []
    runs = [("faas-app", ["check", "app.json"]), ("faas-run", ["--app", "app.json", "Front"])]
    if os.path.exists(os.path.join(bindir, "faas-run-asan")):
        runs.append(("faas-run-asan", ["--app", "app.json", "Front"]))
    for tool, args in runs:
        r = subprocess.run([os.path.join(bindir, tool)] + args, cwd=tmp,
                           capture_output=True, text=True, errors="replace")
        want = "%s: %s\n" % (tool.replace("-asan", ""), line)
        if r.returncode != 2:
            problems.append("%s: exit %d, expected 2" % (tool, r.returncode))
        if r.stderr != want:
            problems.append("%s: stderr %r, expected %r" % (tool, r.stderr, want))
        if r.stdout:
            problems.append("%s: stdout %r, expected nothing" % (tool, r.stdout))
        report.append("  %s %s: exit %d, stderr %r" % (tool, " ".join(args), r.returncode, r.stderr))
    return not problems, "\n".join(["; ".join(problems) or "ok"] + report)


if lit is not None:
    class ManifestCases(lit.formats.TestFormat):
        def getTestsInDirectory(self, testSuite, path_in_suite, litConfig, localConfig):
            table = os.path.join(testSuite.getSourcePath(path_in_suite), "cases.tsv")
            for row in read_table(table):
                yield lit.Test.Test(testSuite, path_in_suite + ("cases.tsv", slug(row[0])),
                                    localConfig)

        def execute(self, test, litConfig):
            c = test.config
            src = os.path.dirname(os.path.dirname(test.getSourcePath()))
            name = test.path_in_suite[-1]
            row = next(r for r in read_table(os.path.join(src, "cases.tsv")) if slug(r[0]) == name)
            tmp = os.path.join(c.test_exec_root, "app", "manifest-errors", "Output", name)
            ok, report = run_row(row, os.path.join(c.faasfuse_obj_root, "bin"), tmp)
            return (lit.Test.PASS if ok else lit.Test.FAIL), report


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    table, bindir, tmp = argv
    passed = failed = 0
    for row in read_table(table):
        ok, report = run_row(row, os.path.abspath(bindir), os.path.join(os.path.abspath(tmp), slug(row[0])))
        print(("ok: %s" % row[0]) if ok else ("FAILED: %s: %s" % (row[0], report)))
        passed += ok
        failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
