#!/usr/bin/env python3
"""deploy_fuzz_apps.py FAAS_APP SRCROOT WORKDIR SEED... [-- PLAN OPTIONS]

For each seed: a random workflow (tests/fuzz/gen_workflow.py, up to 8
functions), turned into an application (tests/fuzz/workflow_to_app.py),
built unmerged (faas-app build), then deployed (faas-app deploy) with each
of its requests in a file of its own (so that a request that fails does not
hide the ones after it), which makes deploy check every request in one
process and with --ipc against the unmerged app. PLAN OPTIONS go to deploy
(limits). Prints one line per workflow: its libraries and the functions
deployed, or deploy's error; exit 1 if any deploy failed.
"""
import json
import os
import subprocess
import sys


def main(argv):
    if "--" in argv:
        cut = argv.index("--")
        argv, plan = argv[:cut], argv[cut + 1:]
    else:
        plan = []
    faas_app, src, work = argv[1:4]
    failed = 0
    for seed in argv[4:]:
        w = os.path.join(work, "w%s" % seed)
        a = os.path.join(work, "a%s" % seed)
        for cmd in ([sys.executable, os.path.join(src, "tests/fuzz/gen_workflow.py"), seed, w,
                     "--max-funcs", "8"],
                    [sys.executable, os.path.join(src, "tests/fuzz/workflow_to_app.py"), w, a],
                    [faas_app, "build", os.path.join(a, "app.json")]):
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                print("seed %s: %s failed: %s" % (seed, os.path.basename(cmd[1] if cmd[0] == sys.executable else cmd[0]),
                                                 r.stderr.strip()))
                return 1
        app = json.load(open(os.path.join(a, "app.json")))
        entry = next(f["name"] for f in app["functions"] if f.get("public"))
        lines = open(os.path.join(a, "requests.txt"), "rb").read().split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        reqs = []
        for k, line in enumerate(lines):
            p = os.path.join(a, "req%d.txt" % k)
            open(p, "wb").write(line + b"\n")
            reqs += ["--requests", "%s=%s" % (entry, p)]
        dep = os.path.join(a, "deploy")
        r = subprocess.run([faas_app, "deploy", "-o", dep] + plan + reqs + [os.path.join(a, "app.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            failed += 1
            print("seed %s: deploy failed (exit %d): %s" % (seed, r.returncode, r.stderr.strip()))
            continue
        deployed = [f["funcName"] for f in json.load(open(os.path.join(dep, "func_config.json")))]
        checked = r.stdout.count(": the same ")
        print("seed %s: %d functions, %d requests checked, deployed %d: %s" % (
            seed, len(app["functions"]), checked, len(deployed), " ".join(deployed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
