#!/usr/bin/env python3
"""fuzz_app_compare.py WORKFLOW_DIR APP_DIR --faas-run PATH --clang PATH
                       --faas-merge CMD

Checks an application made by tests/fuzz/workflow_to_app.py from a
workflow (and built by faas-app build into APP_DIR/lib) against
tests/fuzz/run's own unmerged reference of the same workflow: the
workflow's functions built as run builds them (Runner.build, in
WORKFLOW_DIR) and each request of APP_DIR/requests.txt run as run runs its
reference (the first of Runner.configs: faas-run --input-file, every
function a --func). Then, as each must be:
  - faas-run --app APP_DIR/app.json --requests requests.txt ENTRY, in one
    process and with --ipc: the reference's outputs, each followed by a
    newline, exit 0; or, when a request fails in the reference, exit 3 and
    no output (faas-run stops at a failed request and writes nothing);
  - faas-run --app ... --input-file REQUEST ENTRY for each request: the
    reference's stdout and exit status.
Prints one line per workflow ("ENTRY: ... agree") and each difference;
exit 1 if any.
"""
import argparse
import importlib.machinery
import importlib.util
import json
import os
import shlex
import sys

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def load_fuzz_run():
    path = os.path.join(ROOT, "tests", "fuzz", "run")
    loader = importlib.machinery.SourceFileLoader("fuzz_run", path)
    spec = importlib.util.spec_from_loader("fuzz_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def split_requests(data):
    """The requests of a --requests file, as faas-run reads them."""
    lines = data.split(b"\n")
    return lines[:-1] if data.endswith(b"\n") else lines


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("workflow_dir")
    ap.add_argument("app_dir")
    ap.add_argument("--faas-run", required=True)
    ap.add_argument("--clang", required=True)
    ap.add_argument("--faas-merge", required=True)
    a = ap.parse_args(argv)
    fuzz = load_fuzz_run()
    # Commands run in the workflow's directory.
    a.faas_run = os.path.abspath(a.faas_run)
    wdir, adir = os.path.abspath(a.workflow_dir), os.path.abspath(a.app_dir)
    with open(os.path.join(wdir, "workflow.json")) as fp:
        m = json.load(fp)
    with open(os.path.join(adir, "app.json")) as fp:
        public = [f["name"] for f in json.load(fp)["functions"] if f.get("public")]
    if public != [m["entry"]]:
        print("the app's public functions are %s, not the entry %s" % (public, m["entry"]))
        return 1
    with open(os.path.join(adir, "requests.txt"), "rb") as fp:
        requests = split_requests(fp.read())

    opts = argparse.Namespace(clang=a.clang, clangxx=a.clang + "++", faas_run=a.faas_run,
                              faas_merge=shlex.split(a.faas_merge), valgrind=False)
    runner = fuzz.Runner(opts)
    try:
        runner.build(wdir, m)
    except (fuzz.Failure, OSError) as e:
        print("building the workflow as tests/fuzz/run does failed: %s" % e)
        return 1

    entry, problems, ref = m["entry"], [], []
    app = [a.faas_run, "--app", os.path.join(adir, "app.json")]
    for k, request in enumerate(requests):
        with open(os.path.join(wdir, "input%d" % k), "wb") as fp:
            fp.write(request)
        label, cmd = runner.configs(wdir, m, k)[0]
        assert label == "unmerged", label
        rc, out, err = fuzz.run_cmd(cmd, wdir, 60)
        if rc not in (0, 3):
            problems.append("request %d: the reference exited %d: %s\n    %s" % (
                k, rc, shlex.join(cmd), err.decode(errors="replace").strip()[-400:]))
        ref.append((rc, out))
        mine = app + ["--input-file", "input%d" % k, entry]
        got = fuzz.run_cmd(mine, wdir, 60)[:2]
        if got != (rc, out):
            problems.append("request %d: %s gives exit %d and %d bytes, the reference exit %d and %d bytes" % (
                k, shlex.join(mine), got[0], len(got[1]), rc, len(out)))

    failed = sum(rc != 0 for rc, _ in ref)
    want = (3, b"") if failed else (0, b"".join(out + b"\n" for _, out in ref))
    for mode in ([], ["--ipc"]):
        cmd = app[:1] + mode + app[1:] + ["--requests", os.path.join(adir, "requests.txt"), entry]
        got = fuzz.run_cmd(cmd, wdir, 120)[:2]
        if got != want:
            problems.append("%s gives exit %d and %d bytes, the reference exit %d and %d bytes%s" % (
                shlex.join(cmd), got[0], len(got[1]), want[0], len(want[1]),
                "" if got[0] != want[0] else " (first difference at byte %d)" % fuzz.first_diff(got[1], want[1])))
    for p in problems:
        print(p)
    print("%s: %d functions, %d requests (%d failed in the reference), --requests exit %d: %s" % (
        entry, len(m["functions"]), len(requests), failed, want[0],
        "differ" if problems else "in one process, --ipc and the unmerged reference agree"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
