#!/usr/bin/env python3
"""Writes IR whose invoke_func_fn call passes one of N names (a phi of N
constant strings, "Bar" among them): many_names.py N > out.ll"""
import sys

n = int(sys.argv[1])
names = ["Bar"] + ["N%d" % i for i in range(1, n)]
print("".join('@s%d = private unnamed_addr constant [%d x i8] c"%s\\00"\n' % (i, len(s) + 1, s)
              for i, s in enumerate(names)))
print("define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {")
print("entry:")
print("  %fp = load ptr, ptr %h")
print("  %out = alloca ptr")
print("  %outlen = alloca i64")
print("  switch i64 %len, label %b0 [" + " ".join("i64 %d, label %%b%d" % (i, i) for i in range(1, n)) + "]")
for i in range(n):
    print("b%d:" % i)
    print("  br label %join")
print("join:")
print("  %name = phi ptr " + ", ".join("[@s%d, %%b%d]" % (i, i) for i in range(n)))
print("  %r = call i32 %fp(ptr %h, ptr %name, ptr %in, i64 %len, ptr %out, ptr %outlen)")
print("  ret i32 %r")
print("}")
