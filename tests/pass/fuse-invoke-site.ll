; A call site that is an `invoke` (C++ code that throws) keeps its unwind
; edge on the RPC path; both paths meet before the normal destination,
; whose PHIs now come from the join block.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse %t.linked.bc -S -o - | FileCheck %s

@bar = private unnamed_addr constant [4 x i8] c"Bar\00"

declare i32 @__gxx_personality_v0(...)

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) personality ptr @__gxx_personality_v0 {
entry:
  %fp = load ptr, ptr %h
  %out = alloca ptr
  %outlen = alloca i64
  %r = invoke i32 %fp(ptr %h, ptr @bar, ptr %in, i64 %len, ptr %out, ptr %outlen)
          to label %ok unwind label %lpad
ok:
  %v = phi i32 [ %r, %entry ]
  ret i32 %v
lpad:
  %from = phi i32 [ 7, %entry ]
  %lp = landingpad { ptr, i32 } cleanup
  ret i32 %from
}

; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK:     entry:
; CHECK:       br i1 %faasfuse.is_nightcore, label %faasfuse.fused, label %faasfuse.rpc
; CHECK:     faasfuse.fused:
; CHECK-NEXT:  %faasfuse.r = call i32 @__faasfuse_callee_Bar(ptr %h, ptr %in, i64 %len, ptr %out, ptr %outlen)
; CHECK-NEXT:  br label %faasfuse.join
; CHECK:     faasfuse.rpc:
; CHECK-NEXT:  %r = invoke i32 %fp(ptr %h, ptr @bar, ptr %in, i64 %len, ptr %out, ptr %outlen)
; CHECK-NEXT:    to label %faasfuse.join unwind label %lpad
; CHECK:     faasfuse.join:
; CHECK-NEXT:  [[R:%.*]] = phi i32 [ %faasfuse.r, %faasfuse.fused ], [ %r, %faasfuse.rpc ]
; CHECK-NEXT:  br label %ok
; CHECK:     ok:
; CHECK-NEXT:  %v = phi i32 [ [[R]], %faasfuse.join ]
; CHECK:     lpad:
; CHECK-NEXT:  %from = phi i32 [ 7, %faasfuse.rpc ]
