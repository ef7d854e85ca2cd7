# faas-run's error paths under AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer: the tests of tests/faas-run that end in an
# error (error-*.test and the failing calls below), run again as they are
# with %faas-run bound to faas-run-asan and %prebuilt to their libraries
# built with -fsanitize=address,undefined (tests/CMakeLists.txt). One test
# directory, a second configuration, as LLVM's compiler-rt runs its tests:
# CMake writes build/tests/sanitizers/faas-run-asan/lit.site.cfg.py, which
# loads this file, and lit finds that suite below tests/sanitizers
# (`lit build/tests/sanitizers/faas-run-asan` runs it alone). Tests are named
# faasfuse-llvmN-faas-run-asan :: <test>.
#
# A sanitizer report exits 66 (and stops the process): in one process the
# tests' `exit=N` lines catch it; an --ipc worker's report is a worker that
# dies, which these tests catch by checking all of stderr.
import os

if not hasattr(config, "faasfuse_obj_root"):
    # Found without its site configuration: a build directory configured
    # before this suite existed. Nothing runs until CMake runs again.
    config.name = "faasfuse-faas-run-asan-unconfigured"
    config.unsupported = True
else:
    config.faasfuse_faas_run = "faas-run-asan"
    config.faasfuse_prebuilt = os.path.join(config.faasfuse_obj_root, "tests", "prebuilt-asan")
    lit_config.load_config(config, os.path.join(config.faasfuse_src_root, "tests", "lit.cfg.py"))

    config.name += "-faas-run-asan"
    config.test_source_root = os.path.join(config.faasfuse_src_root, "tests", "faas-run")
    config.test_exec_root = os.path.join(config.faasfuse_obj_root, "tests", "sanitizers", "faas-run-asan")
    # Failing calls that are not named error-*: a failing callee, an output
    # past INT32_MAX bytes, --ipc workers that die in a call.
    failing_calls = ["callee-failure.test", "output-too-large.test", "ipc-worker-death.test"]
    config.excludes = set(config.excludes) | {
        name for name in os.listdir(config.test_source_root)
        if name.endswith(".test") and not name.startswith("error-") and name not in failing_calls}
    config.environment["ASAN_OPTIONS"] = "detect_leaks=1:halt_on_error=1:exitcode=66"
    config.environment["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:exitcode=66"
