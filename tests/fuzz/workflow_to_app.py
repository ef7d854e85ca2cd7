#!/usr/bin/env python3
"""Turns a workflow of gen_workflow.py into an application directory.

    tests/fuzz/workflow_to_app.py WORKFLOW_DIR OUT_DIR

WORKFLOW_DIR is what gen_workflow.py wrote (workflow.json and one source per
function). OUT_DIR (made if missing) gets:
  app.json      one function per source file, funcIds 1.. in the workflow's
                order, the entry public and no other; the workflow's
                compile level (build_opt, which tests/fuzz/run builds every
                NAME.bc with) and -w (the generated code warns on purpose)
                as the app's cflags, and a function's own "cflags" if the
                workflow records any; as "calls", the functions its call
                sites name by anything but a plain literal;
  NAME.c/.cc    the sources, copied;
  requests.txt  the workflow's inputs that can be requests, one per line
                (faas-run --requests): an input with a newline cannot be
                one and is left out; when none can, three fixed requests.
Files are written under a temporary name and renamed. An existing output
must be a regular file (a symbolic link to one is followed) and none may be
one of the workflow's files. Errors are one line on stderr: exit 2 for a
bad workflow or usage, 1 for an output that cannot be written.
"""
import json
import os
import re
import stat
import sys
import tempfile

PROG = "workflow_to_app"
NAME = re.compile(r"[0-9A-Za-z]{1,255}\Z")  # Nightcore's (function_name.h)
SOURCE_EXT = {"c": ".c", "cxx": ".cc"}
# Requests that any workflow takes (input[0] is a depth, clamped) when none
# of its own inputs can be a line.
FIXED_REQUESTS = [b"", b"\x01", b"\x02\x00fixed request"]


class Error(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def bad(message):
    return Error(2, message)


def read_workflow(wdir):
    path = os.path.join(wdir, "workflow.json")
    try:
        with open(path, "rb") as fp:
            w = json.loads(fp.read().decode("utf-8"))
    except OSError as e:
        raise bad("cannot read %s: %s" % (path, e.strerror))
    except ValueError as e:
        raise bad("%s: invalid JSON: %s" % (path, e))
    if not isinstance(w, dict):
        raise bad("%s: expected an object" % path)
    funcs = w.get("functions")
    if not isinstance(funcs, list) or not funcs:
        raise bad("%s: functions: expected a non-empty array" % path)
    if len(funcs) > 255:
        raise bad("%s: %d functions: funcIds stop at 255" % (path, len(funcs)))
    names = set()
    for i, f in enumerate(funcs):
        where = "%s: functions[%d]" % (path, i)
        if not isinstance(f, dict):
            raise bad("%s: expected an object" % where)
        name, lang, src = f.get("name"), f.get("lang", "c"), f.get("file")
        if not isinstance(name, str) or not NAME.match(name):
            raise bad("%s.name: expected a function name ([0-9A-Za-z]+, at most 255)" % where)
        if name in names:
            raise bad("%s.name: '%s' twice" % (where, name))
        names.add(name)
        if lang not in SOURCE_EXT:
            raise bad("%s.lang: expected \"c\" or \"cxx\"" % where)
        # Only a file of the workflow's directory: nothing is copied from,
        # or written to, anywhere else.
        if src != name + SOURCE_EXT[lang]:
            raise bad("%s.file: expected '%s'" % (where, name + SOURCE_EXT[lang]))
        if "cflags" in f and not (isinstance(f["cflags"], list) and
                                  all(isinstance(x, str) for x in f["cflags"])):
            raise bad("%s.cflags: expected an array of strings" % where)
    if w.get("entry") not in names:
        raise bad("%s: entry: expected the name of one of its functions" % path)
    level = w.get("build_opt", "-O1")
    if level not in ("-O0", "-O1", "-O2", "-O3"):
        raise bad("%s: build_opt: expected -O0 to -O3" % path)
    inputs = w.get("inputs", [])
    if not isinstance(inputs, list):
        raise bad("%s: inputs: expected an array of hex strings" % path)
    try:
        w["inputs"] = [bytes.fromhex(x) for x in inputs]
    except (TypeError, ValueError):
        raise bad("%s: inputs: expected an array of hex strings" % path)
    return w


def manifest(w):
    names = {f["name"] for f in w["functions"]}
    out = {"cflags": ["-w", w.get("build_opt", "-O1")], "functions": []}
    for i, f in enumerate(w["functions"]):
        fn = {"name": f["name"], "funcId": i + 1, "sources": [f["file"]]}
        if f["name"] == w["entry"]:
            fn["public"] = True
        if f.get("cflags"):
            fn["cflags"] = f["cflags"]
        calls = []
        for site in f.get("sites", []):
            if not isinstance(site, dict) or site.get("form") == "lit":
                continue
            for t in site.get("targets", []):
                if isinstance(t, str) and t in names and t not in calls:
                    calls.append(t)
        if calls:
            fn["calls"] = calls
        out["functions"].append(fn)
    return out


def manifest_text(app):
    """app.json as the examples write it: a function a line."""
    rows = ",\n".join("    " + json.dumps(f) for f in app["functions"])
    return '{\n  "cflags": %s,\n  "functions": [\n%s\n  ]\n}\n' % (
        json.dumps(app["cflags"]), rows)


def requests(inputs):
    lines = [x for x in inputs if b"\n" not in x]
    return b"".join(x + b"\n" for x in (lines or FIXED_REQUESTS))


def target(path, inputs):
    """Where writing path goes: the path, or the regular file its symbolic
    link names; refused for anything else and for the workflow's files."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as e:
        raise Error(1, "cannot write %s: %s" % (path, e.strerror))
    real = os.path.realpath(path) if stat.S_ISLNK(st.st_mode) else path
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real  # a link to nothing yet: the file it names is made
    except OSError as e:
        raise Error(1, "cannot write %s: %s" % (path, e.strerror))
    if not stat.S_ISREG(st.st_mode):
        raise Error(1, "%s exists and is not a regular file" % path)
    for i in inputs:
        if os.path.exists(i) and os.path.samefile(real, i):
            raise Error(1, "%s is %s, one of the workflow's files" % (path, i))
    return real


def write(path, data):
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(path) + ".")
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(data)
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def convert(wdir, odir):
    w = read_workflow(wdir)
    sources = {}
    for f in w["functions"]:
        p = os.path.join(wdir, f["file"])
        try:
            with open(p, "rb") as fp:
                sources[f["file"]] = fp.read()
        except OSError as e:
            raise bad("cannot read %s: %s" % (p, e.strerror))
    app = manifest_text(manifest(w)).encode()
    outputs = [("app.json", app), ("requests.txt", requests(w["inputs"]))] + \
        list(sources.items())
    if os.path.lexists(odir) and not os.path.isdir(odir):
        raise Error(1, "%s exists and is not a directory" % odir)
    try:
        os.makedirs(odir, exist_ok=True)
    except OSError as e:
        raise Error(1, "cannot make %s: %s" % (odir, e.strerror))
    inputs = [os.path.join(wdir, "workflow.json")] + [os.path.join(wdir, f) for f in sources]
    # Every output is checked before any is written.
    paths = [target(os.path.join(odir, name), inputs) for name, _ in outputs]
    seen = {}
    for name, p in zip([n for n, _ in outputs], paths):
        real = os.path.realpath(p)
        if real in seen:
            raise Error(1, "%s and %s are the same file" % (
                os.path.join(odir, seen[real]), os.path.join(odir, name)))
        seen[real] = name
    for p, (_, data) in zip(paths, outputs):
        try:
            write(p, data)
        except OSError as e:
            raise Error(1, "cannot write %s: %s" % (p, e.strerror))


def main(argv):
    if len(argv) != 2 or argv[0].startswith("-") or argv[1].startswith("-"):
        print("usage: %s WORKFLOW_DIR OUT_DIR" % PROG, file=sys.stderr)
        return 2
    try:
        convert(argv[0], argv[1])
    except Error as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return e.status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
