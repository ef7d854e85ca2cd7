"""A lit test format: each row of cases.tsv (hostile_cases.py) is a test of
its own, named hostile/cases.tsv/<case>. In a module of its own so that lit
can hand it to its worker processes."""
import os

import lit.formats
import lit.Test

import hostile_cases


class HostileCases(lit.formats.TestFormat):
    def getTestsInDirectory(self, testSuite, path_in_suite, litConfig, localConfig):
        table = os.path.join(testSuite.getSourcePath(path_in_suite), "cases.tsv")
        for row in hostile_cases.read_table(table):
            yield lit.Test.Test(testSuite, path_in_suite + ("cases.tsv", hostile_cases.slug(row[0])),
                                localConfig)

    def execute(self, test, litConfig):
        c = test.config
        src = os.path.dirname(os.path.dirname(test.getSourcePath()))
        table = os.path.join(src, "cases.tsv")
        name = test.path_in_suite[-1]
        row = next(r for r in hostile_cases.read_table(table) if hostile_cases.slug(r[0]) == name)
        version = int(c.llvm_version_major)
        if not hostile_cases.applies(row[1], version):
            return lit.Test.UNSUPPORTED, "applies to LLVM %s only" % row[1]
        tools = c.llvm_tools_dir
        faas_run = os.path.join(c.faasfuse_obj_root, "bin", "faas-run")
        tmp = os.path.join(c.test_exec_root, "hostile", "Output", "fixtures")
        subs = {
            "opt": os.path.join(tools, "opt"), "clang": os.path.join(tools, "clang"),
            "plugin": c.faasfuse_plugin, "faas_run": faas_run,
            "faas_merge": os.path.join(c.faasfuse_src_root, "scripts", "faas-merge") +
            " --llvm-version " + c.llvm_version_major,
            "inputs": os.path.join(src, "Inputs"),
            "examples": os.path.join(c.faasfuse_src_root, "examples"),
            "include": os.path.join(c.faasfuse_src_root, "include"),
            "tmp": tmp, "long_name": "A" * 300,
        }
        # Rebuilt when what they are made from changes.
        stamp = " ".join(str(os.path.getmtime(p)) for p in
                         (c.faasfuse_plugin, faas_run, table, hostile_cases.__file__))
        err = hostile_cases.fixtures(subs, stamp)
        if err:
            return lit.Test.FAIL, err
        ok, report = hostile_cases.run_row(row, subs, os.path.join(tmp, "out-%s.bc" % name))
        return (lit.Test.PASS if ok else lit.Test.FAIL), report
