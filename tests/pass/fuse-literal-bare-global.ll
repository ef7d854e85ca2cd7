; A literal name passed as a bare global (opaque pointers, clang 15+ at any
; -O) becomes a guarded direct call of the callee's wrapper; the RPC path
; stays exactly as it was.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse %t.linked.bc -S -o - | FileCheck %s

@.str = private unnamed_addr constant [4 x i8] c"Bar\00"

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {
  %fp = load ptr, ptr %h
  %out = alloca ptr
  %outlen = alloca i64
  %r = call i32 %fp(ptr %h, ptr @.str, ptr %in, i64 %len, ptr %out, ptr %outlen)
  %r2 = add i32 %r, 1
  ret i32 %r2
}

; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK:       %faasfuse.is_nightcore = icmp eq ptr %fp, @__faasfuse_invoke
; CHECK-NEXT:  br i1 %faasfuse.is_nightcore, label %faasfuse.fused, label %faasfuse.rpc
; CHECK:     faasfuse.fused:
; CHECK-NEXT:  %faasfuse.r = call i32 @__faasfuse_callee_Bar(ptr %h, ptr %in, i64 %len, ptr %out, ptr %outlen)
; CHECK-NEXT:  br label %faasfuse.join
; CHECK:     faasfuse.rpc:
; CHECK-NEXT:  [[RPC:%.*]] = call i32 %fp(ptr %h, ptr @.str, ptr %in, i64 %len, ptr %out, ptr %outlen)
; CHECK-NEXT:  br label %faasfuse.join
; CHECK:     faasfuse.join:
; CHECK-NEXT:  [[R:%.*]] = phi i32 [ %faasfuse.r, %faasfuse.fused ], [ [[RPC]], %faasfuse.rpc ]
; CHECK-NEXT:  %r2 = add i32 [[R]], 1
; CHECK-NEXT:  ret i32 %r2
