; A PHI of literals (names chosen on different paths) fuses both merged
; names, each on its own arm.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: sed 's/"Bar:/"Baz:/' %S/Inputs/callee-abi.ll | %opt %opaque %loadplugin -passes='faasfuse-callee<Baz>' -o %t.baz.bc
; RUN: %llvm-link %opaque %s %t.bar.bc %t.baz.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse %t.linked.bc -S -o - | FileCheck %s

@bar = private unnamed_addr constant [4 x i8] c"Bar\00"
@baz = private unnamed_addr constant [4 x i8] c"Baz\00"

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {
entry:
  %fp = load ptr, ptr %h
  %out = alloca ptr
  %outlen = alloca i64
  %big = icmp ugt i64 %len, 3
  br i1 %big, label %a, label %b
a:
  br label %call
b:
  br label %call
call:
  %name = phi ptr [ @bar, %a ], [ @baz, %b ]
  %r = call i32 %fp(ptr %h, ptr %name, ptr %in, i64 %len, ptr %out, ptr %outlen)
  ret i32 %r
}

; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK-DAG:   icmp eq ptr %name, @bar
; CHECK-DAG:   icmp eq ptr %name, @baz
; CHECK-DAG:   call i32 @__faasfuse_callee_Bar(
; CHECK-DAG:   call i32 @__faasfuse_callee_Baz(
