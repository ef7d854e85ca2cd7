# lit configuration for faasfuse. Substitutions a RUN line can use:
#   %opt %clang %clangxx %llvm-link %llvm-dis %llvm-as %llvm-nm
#   %llvm-objdump %lld   tools of the LLVM under test (lit.llvm tool
#                substitutions: whole words, so their order does not matter;
#                `lit -D opt=...` overrides one); FileCheck, `| count`,
#                `| not` and %python are lit.llvm's default substitutions
#   %plugin      the FaasFuse pass plugin (build/lib/FaasFuse.so)
#   %loadplugin  -load-pass-plugin=%plugin
#   %faas-run    build/bin/faas-run (faas-run-asan in the suite of
#                tests/sanitizers/faas-run-asan, which re-runs tests/faas-run's
#                error tests under ASan+UBSan)
#   %faas-run-asan, %faas-run-tsan   the same under ASan+UBSan, under TSan (tests only)
#   %faas-app    build/bin/faas-app (the application manifest: check, build)
#   %prebuilt    libraries and bitcode many tests share, built once by CMake
#                (tests/CMakeLists.txt lists them and their flags); in the
#                faas-run-asan suite, the same libraries built with ASan+UBSan
#   %build-functions  builds tests/e2e/Inputs/functions.c with build-all
#                into %functions, once for all the tests that share it
#   %faas-merge  scripts/faas-merge, pinned to the LLVM under test
#   %srcroot %objroot %examples %inputs
#   %thrift-make  make in examples/thrift for the LLVM under test, into
#                 %thrift-build (shared by the tests/thrift tests, under a lock)
#   %rustc       a rustc built on the LLVM under test (feature "rust"; it is
#                also $RUSTC for faas-merge)
import os
import shutil
import subprocess

import lit.formats
import lit.llvm
from lit.llvm.subst import FindTool, ToolSubst

lit.llvm.initialize(lit_config, config)
llvm_config = lit.llvm.llvm_config

config.name = "faasfuse-llvm" + config.llvm_version_major
config.test_format = lit.formats.ShTest(not lit_config.isWindows)
config.suffixes = [".ll", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.faasfuse_obj_root, "tests")

tools = config.llvm_tools_dir
bindir = os.path.join(config.faasfuse_obj_root, "bin")
v = config.llvm_version_major
config.environment["PATH"] = os.pathsep.join([tools, bindir, config.environment.get("PATH", "")])
for var in ("HOME", "TMPDIR", "CI"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

def sub(name, value):
    config.substitutions.append((name, value))


def llvm_layout(*args):
    """What scripts/llvm-layout says: the default LLVM, the supported ones,
    where each is."""
    return subprocess.run([os.path.join(config.faasfuse_src_root, "scripts", "llvm-layout")] +
                          list(args), check=True, capture_output=True, text=True).stdout.strip()

# FileCheck, count, not (from the LLVM under test) and %python.
llvm_config.use_default_substitutions()
llvm_config.add_tool_substitutions(
    [ToolSubst("%" + name, FindTool(name), unresolved="fatal")
     for name in ("opt", "clang", "llvm-link", "llvm-nm", "llvm-objdump", "llvm-dis", "llvm-as")] +
    [ToolSubst("%clangxx", FindTool("clang++"), unresolved="fatal"),
     ToolSubst("%lld", FindTool("ld.lld"), unresolved="fatal")],
    [tools])
# faas-run: a suite that re-runs tests under a sanitizer build sets
# config.faasfuse_faas_run (and config.faasfuse_prebuilt) before loading
# this file (tests/sanitizers/faas-run-asan/lit.cfg.py).
llvm_config.add_tool_substitutions(
    [ToolSubst("%faas-run", os.path.join(bindir, getattr(config, "faasfuse_faas_run", "faas-run"))),
     ToolSubst("%faas-run-asan", os.path.join(bindir, "faas-run-asan")),
     ToolSubst("%faas-run-tsan", os.path.join(bindir, "faas-run-tsan")),
     ToolSubst("%faas-app", os.path.join(bindir, "faas-app"))],
    [bindir])
# The rest are plain strings, substituted in the order given: no name below
# is the beginning of another.
sub("%prebuilt", getattr(config, "faasfuse_prebuilt",
                         os.path.join(config.faasfuse_obj_root, "tests", "prebuilt")))
# The functions of tests/e2e/Inputs/functions.c as build-all builds them,
# shared by the tests that use them as they are (each function its own
# library, and Main merged with every callee but Leaf, BadInit and
# BadCreate): %build-functions builds them into %functions once, under a
# lock, and again only when the plugin, the tools or the sources changed.
functions = os.path.join(config.faasfuse_obj_root, "tests", "functions")
sub("%build-functions", " ".join([
    os.path.join(config.faasfuse_src_root, "tests", "e2e", "Inputs", "build-all"), "--once",
    os.path.join(tools, "clang"), os.path.join(tools, "opt"), os.path.join(tools, "llvm-link"),
    config.faasfuse_plugin, os.path.join(config.faasfuse_src_root, "include"), functions,
    "entry=Main Appender Empty Binary Failer Middle Ping Counter Big"]))
sub("%functions", functions)
sub("%loadplugin", "-load-pass-plugin=" + config.faasfuse_plugin)
sub("%plugin", config.faasfuse_plugin)
sub("%faas-merge", os.path.join(config.faasfuse_src_root, "scripts", "faas-merge") + " --llvm-version " + v)
# The Thrift example is built once per build directory, by whichever test
# needs a part first: make under flock, so tests running at once share it.
thrift_build = os.path.join(config.faasfuse_obj_root, "thrift-example")
sub("%thrift-make", "flock %s.lock make --no-print-directory -C %s LLVM_VERSION=%s PLUGIN=%s B=%s -j2" % (
    thrift_build, os.path.join(config.faasfuse_src_root, "examples", "thrift"), v,
    config.faasfuse_plugin, thrift_build))
sub("%thrift-build", thrift_build)
sub("%examples", os.path.join(config.faasfuse_src_root, "examples"))
sub("%inputs", os.path.join(config.faasfuse_src_root, "tests", "Inputs"))
sub("%differential", os.path.join(config.faasfuse_src_root, "tests", "e2e", "Inputs", "differential"))
sub("%llvm-version", v)
# The random-workflow smoke: 200 workflows on the default LLVM, fewer on the
# others, to keep .ci/run (three LLVMs on two cores) well under 30 minutes.
sub("%fuzz-smoke-count", "200" if v == llvm_layout("default") else "60")
sub("%srcroot", config.faasfuse_src_root)
sub("%objroot", config.faasfuse_obj_root)
sub("%rtinc", os.path.join(config.faasfuse_src_root, "include"))

# Flags that make a tool of the LLVM under test read and write opaque
# pointers (`ptr`): LLVM 14 needs to be told; 15 and later do it by default.
sub("%opaque", "-opaque-pointers" if int(v) < 15 else "")

# clang -fpass-plugin loads the plugin after -mllvm options are parsed on
# LLVM 14 and 19, so -faasfuse-callee= needs the plugin loaded earlier too.
sub("%fplugin", ("-fplugin=" + config.faasfuse_plugin) if int(v) < 22 else "")

# Features for REQUIRES/UNSUPPORTED lines.
config.available_features.add("llvm" + v)
if v == llvm_layout("default"):
    config.available_features.add("default-llvm")
if int(v) < 17:
    config.available_features.add("typed-pointers")
if int(v) >= 15:
    config.available_features.add("opaque-pointers-default")
    # ld.lld --load-pass-plugin and the full-LTO extension point.
    config.available_features.add("lto-plugin")
# Another installed LLVM, to check that the plugin refuses to run in it.
for other in reversed(llvm_layout("supported").split()):
    other_opt = os.path.join(llvm_layout("bindir", other), "opt")
    if other != v and os.path.exists(other_opt):
        config.available_features.add("other-llvm")
        sub("%other-opt", other_opt)
        sub("%other-version", other)
        break

if shutil.which("valgrind"):
    config.available_features.add("valgrind")
# Rust functions (examples/rust, tests/rust): a rustc built on the LLVM
# under test (scripts/llvm-layout rustc); Debian 12's rustc-web is built on
# LLVM 22, so on 14 and 19 the tests that need it are unsupported (they
# REQUIRE rust). faas-merge gets the same rustc.
found = subprocess.run([os.path.join(config.faasfuse_src_root, "scripts", "llvm-layout"), "rustc", v],
                       capture_output=True, text=True)
if found.returncode == 0:
    rustc = found.stdout.strip()
    config.available_features.add("rust")
    sub("%rustc", rustc)
    config.environment["RUSTC"] = rustc
# examples/thrift: Debian's thrift-compiler and libthrift-dev.
if shutil.which("thrift") and os.path.exists("/usr/include/thrift/Thrift.h"):
    config.available_features.add("thrift")
