#!/usr/bin/env python3
"""A reference host for Nightcore function libraries, in Python (ctypes).

    tests/fuzz/refhost.py [--input STR | --input-file PATH] [--repeat N]
                          [--stats] --func NAME=LIB.so ... ENTRY
    tests/fuzz/refhost.py --batch DIR --input-file PATH... --func ... ENTRY

It shares no code with faas-run or the faasfuse runtime: it is written from
shared/nightcore-contract.md alone, as simply as possible, so that the fuzz
runner has an oracle that a bug common to faas-run's two modes cannot fool.
Output and exit codes are faas-run's: ENTRY's output bytes on stdout, exit 0;
exit 3 (nothing on stdout) when ENTRY fails; exit 2 on a usage or loading
error. With --repeat N the same worker serves N calls, which must all give
the same output (written once), as faas-run does. --stats writes counts of
calls to stderr. --batch DIR serves every input in turn in one process (the
same workers serve them all) and writes DIR/K.out and DIR/K.rc (0 or 3) for
the K-th input instead.

The contract, as implemented here:
  - each library is dlopen'ed RTLD_LOCAL, faas_init runs once, right after;
  - a worker is never entered twice: a call to a function whose workers are
    all busy (recursion) gets a new worker;
  - invoke_func_fn sets *out = NULL, *len = 0 first; an unknown name or a
    failed callee gives -1 and no output (what the callee appended is
    dropped); on success the output is the concatenation of its appends;
  - outputs handed to a worker stay valid until that worker's faas_func_call
    returns, and are freed then.
"""
import ctypes
import os
import sys

INVOKE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                          ctypes.c_void_p, ctypes.c_size_t,
                          ctypes.POINTER(ctypes.c_void_p),
                          ctypes.POINTER(ctypes.c_size_t))
APPEND = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
MAX_OUTPUT = 0x7fffffff  # sizes travel as int32


class Worker:
    def __init__(self, host, fn, wid):
        self.host = host
        self.fn = fn
        self.id = wid
        self.handle = ctypes.c_void_p()
        self.out = []
        self.outlen = 0
        self.owned = []  # outputs this worker received, alive until its call returns
        self.busy = False


class Function:
    def __init__(self, name, path):
        self.name = name
        try:
            self.lib = ctypes.CDLL(path, mode=os.RTLD_LOCAL | os.RTLD_NOW)
        except OSError as e:
            die("cannot load %s: %s" % (path, e))
        try:
            self.call = self.lib.faas_func_call
        except AttributeError:
            die("%s has no faas_func_call" % path)
        self.call.restype = ctypes.c_int
        self.call.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
        self.init = getattr(self.lib, "faas_init", None)
        self.create = getattr(self.lib, "faas_create_func_worker", None)
        self.destroy = getattr(self.lib, "faas_destroy_func_worker", None)
        for f in (self.init, self.create, self.destroy):
            if f is not None:
                f.restype = ctypes.c_int
        if self.create is not None:
            self.create.argtypes = [ctypes.c_void_p, INVOKE, APPEND, ctypes.POINTER(ctypes.c_void_p)]
        if self.destroy is not None:
            self.destroy.argtypes = [ctypes.c_void_p]
        self.idle = []
        self.all = []


def die(msg):
    sys.stderr.write("refhost: %s\n" % msg)
    sys.stdout.flush()
    os._exit(2)


class Host:
    def __init__(self, funcs):
        self.funcs = funcs
        self.workers = {}
        self.next_id = 1
        self.calls = self.failed = self.unknown = self.bytes = 0
        self.depth = self.maxdepth = 0
        self.c_invoke = INVOKE(self.invoke)
        self.c_append = APPEND(self.append)
        for f in funcs.values():
            if f.init is not None and f.init() != 0:
                die("faas_init of %s failed" % f.name)

    def worker(self, fn):
        if fn.idle:
            return fn.idle.pop()
        w = Worker(self, fn, self.next_id)
        self.next_id += 1
        self.workers[w.id] = w
        if fn.create is not None:
            rc = fn.create(ctypes.c_void_p(w.id), self.c_invoke, self.c_append,
                           ctypes.byref(w.handle))
            if rc != 0:
                del self.workers[w.id]
                return None
        w.out = []
        w.outlen = 0
        fn.all.append(w)
        return w

    def run(self, fn, data):
        """Runs fn on data on an idle worker: (rc, output bytes)."""
        w = self.worker(fn)
        if w is None:
            return -1, b""
        assert not w.busy
        w.busy = True
        self.calls += 1
        self.depth += 1
        self.maxdepth = max(self.maxdepth, self.depth)
        w.out = []
        w.outlen = 0
        buf = ctypes.create_string_buffer(data, max(len(data), 1))
        rc = fn.call(w.handle, buf, len(data))
        out = b"".join(w.out)
        toolong = w.outlen > MAX_OUTPUT
        w.out = []
        w.owned = []  # the outputs it received die with its call
        w.busy = False
        fn.idle.append(w)
        self.depth -= 1
        self.bytes += len(out)
        if rc != 0:
            self.failed += 1
        if toolong:
            return -1, b""
        return rc, out

    def invoke(self, ctx, name, data, length, out_p, outlen_p):
        try:
            out_p[0] = None
            outlen_p[0] = 0
            caller = self.workers.get(ctx)
            if caller is None or not caller.busy:
                return -1
            nm = ctypes.string_at(name) if name else None
            fn = self.funcs.get(nm.decode("latin-1")) if nm is not None else None
            if fn is None:
                self.unknown += 1
                return -1
            payload = ctypes.string_at(data, length) if length else b""
            rc, out = self.run(fn, payload)
            if rc != 0:
                return -1
            if out:
                b = ctypes.create_string_buffer(out, len(out))
                caller.owned.append(b)
                out_p[0] = ctypes.addressof(b)
                outlen_p[0] = len(out)
            return 0
        except BaseException as e:  # a callback must not return garbage
            sys.stderr.write("refhost: internal error in invoke: %r\n" % (e,))
            os._exit(4)

    def append(self, ctx, data, length):
        try:
            w = self.workers.get(ctx)
            if w is None or not w.busy:
                sys.stderr.write("refhost: append from a worker that is not running\n")
                os._exit(4)
            if length:
                w.out.append(ctypes.string_at(data, length))
                w.outlen += length
        except BaseException as e:
            sys.stderr.write("refhost: internal error in append: %r\n" % (e,))
            os._exit(4)

    def shutdown(self):
        for fn in self.funcs.values():
            for w in fn.all:
                if fn.destroy is not None:
                    fn.destroy(w.handle)


def write_stats(host, stats):
    if stats:
        sys.stderr.write("refhost-stats calls=%d failed=%d unknown=%d maxdepth=%d bytes=%d workers=%d\n" % (
            host.calls, host.failed, host.unknown, host.maxdepth, host.bytes, host.next_id - 1))


def main(argv):
    inputs = []
    funcs = {}
    entry = None
    repeat = 1
    stats = False
    batch = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--input", "--input-file", "--func", "--repeat", "--batch"):
            if i + 1 >= len(argv):
                die("option %s needs an argument" % a)
            v = argv[i + 1]
            i += 2
            if a == "--input":
                inputs.append(os.fsencode(v))
            elif a == "--input-file":
                try:
                    with open(v, "rb") as fp:
                        inputs.append(fp.read())
                except OSError as e:
                    die("--input-file %s: %s" % (v, e.strerror))
            elif a == "--repeat":
                repeat = int(v)
            elif a == "--batch":
                batch = v
            else:
                name, eq, path = v.partition("=")
                if not eq or not name or not path:
                    die("--func %s: expected NAME=LIB.so" % v)
                if name in funcs:
                    die("--func %s: two functions named %s" % (v, name))
                funcs[name] = path
            continue
        if a == "--stats":
            stats = True
            i += 1
            continue
        if a.startswith("-"):
            die("unknown option %s" % a)
        if entry is not None:
            die("more than one entry")
        entry = a
        i += 1
    if entry is None:
        die("no entry given")
    if entry not in funcs:
        die("unknown entry %s" % entry)
    if not inputs:
        inputs.append(b"")
    if len(inputs) > 1 and batch is None:
        die("several inputs need --batch DIR")
    loaded = {n: Function(n, p) for n, p in funcs.items()}
    host = Host(loaded)
    status = 0
    for k, data in enumerate(inputs):
        first = None
        rc = 0
        for r in range(repeat):
            rc, out = host.run(loaded[entry], data)
            if rc != 0:
                sys.stderr.write("refhost: %s failed\n" % entry)
                rc = 3
                break
            if first is None:
                first = out
            elif out != first:
                sys.stderr.write("refhost: runs of %s disagree: run %d differs from run 1\n" % (entry, r + 1))
                rc = 3
                break
        if batch is None:
            status = rc
            if rc == 0:
                sys.stdout.buffer.write(first)
        else:
            with open(os.path.join(batch, "%d.out" % k), "wb") as fp:
                fp.write(first if rc == 0 else b"")
            with open(os.path.join(batch, "%d.rc" % k), "w") as fp:
                fp.write("%d\n" % rc)
    write_stats(host, stats)
    sys.stdout.flush()
    if status == 0:
        host.shutdown()
    os._exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
