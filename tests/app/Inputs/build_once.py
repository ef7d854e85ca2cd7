#!/usr/bin/env python3
"""build_once.py FAAS_APP MANIFEST DIR STAMP_FILE...: faas-app build -o DIR
MANIFEST, once for all the tests that share DIR (under a lock: lit runs
tests at once), and again only when the manifest's directory or a
STAMP_FILE (faas-app, faas-merge, the plugin) changed."""
import fcntl
import os
import shutil
import subprocess
import sys


def stamp(manifest, files):
    parts = []
    top = os.path.dirname(os.path.abspath(manifest))
    for root, dirs, names in os.walk(top):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            parts.append("%s %d %d" % (p, os.stat(p).st_mtime_ns, os.stat(p).st_size))
    for p in files:
        parts.append("%s %d" % (p, os.stat(p).st_mtime_ns))
    return "\n".join(parts)


def main(argv):
    faas_app, manifest, out = argv[:3]
    want = stamp(manifest, argv[3:])
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = out + ".stamp"
        if os.path.exists(done) and open(done).read() == want and os.path.isdir(out):
            return 0
        shutil.rmtree(out, ignore_errors=True)
        if os.path.exists(done):
            os.remove(done)
        r = subprocess.run([faas_app, "build", "-o", out, manifest])
        if r.returncode != 0:
            return r.returncode
        with open(done, "w") as fp:
            fp.write(want)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
