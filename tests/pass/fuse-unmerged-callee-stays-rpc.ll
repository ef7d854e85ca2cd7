; A call to a function that is not merged into the module stays the same
; RPC instruction, untouched, next to a fused one.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse %t.linked.bc -S -o - | FileCheck %s

@qux = private unnamed_addr constant [4 x i8] c"Qux\00"
@bar = private unnamed_addr constant [4 x i8] c"Bar\00"

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {
  %fp = load ptr, ptr %h
  %out = alloca ptr
  %outlen = alloca i64
  %q = call i32 %fp(ptr %h, ptr @qux, ptr %in, i64 %len, ptr %out, ptr %outlen) #0
  %b = call i32 %fp(ptr %h, ptr @bar, ptr %in, i64 %len, ptr %out, ptr %outlen)
  ret i32 %q
}
attributes #0 = { nounwind }

; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK:       %q = call i32 %fp(ptr %h, ptr @qux, ptr %in, i64 %len, ptr %out, ptr %outlen) #[[ATTR:[0-9]+]]
; CHECK-NEXT:  %faasfuse.is_nightcore = icmp eq ptr %fp, @__faasfuse_invoke
; CHECK:       call i32 @__faasfuse_callee_Bar(
; CHECK:       attributes #[[ATTR]] = { nounwind }
