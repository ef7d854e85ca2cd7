; Only the exact name fuses: "Bar2", "Ba", "bar" and "" are other
; functions (or none) and stay RPCs; an empty name crashes nothing.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse -pass-remarks-missed=faasfuse %t.linked.bc -S -o %t.ll 2>%t.remarks
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck --check-prefix=MISSED %s < %t.remarks

@bar2 = private unnamed_addr constant [5 x i8] c"Bar2\00"
@ba = private unnamed_addr constant [3 x i8] c"Ba\00"
@lower = private unnamed_addr constant [4 x i8] c"bar\00"
@empty = private unnamed_addr constant [1 x i8] zeroinitializer
@nonul = private unnamed_addr constant [3 x i8] c"Bar"

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {
  %fp = load ptr, ptr %h
  %out = alloca ptr
  %outlen = alloca i64
  %a = call i32 %fp(ptr %h, ptr @bar2, ptr %in, i64 %len, ptr %out, ptr %outlen)
  %b = call i32 %fp(ptr %h, ptr @ba, ptr %in, i64 %len, ptr %out, ptr %outlen)
  %c = call i32 %fp(ptr %h, ptr @lower, ptr %in, i64 %len, ptr %out, ptr %outlen)
  %d = call i32 %fp(ptr %h, ptr @empty, ptr %in, i64 %len, ptr %out, ptr %outlen)
  %e = call i32 %fp(ptr %h, ptr @nonul, ptr %in, i64 %len, ptr %out, ptr %outlen)
  ret i32 %a
}

; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK-NOT:   @__faasfuse_callee_Bar
; CHECK:       %a = call i32 %fp(ptr %h, ptr @bar2,
; CHECK-NEXT:  %b = call i32 %fp(ptr %h, ptr @ba,
; CHECK-NEXT:  %c = call i32 %fp(ptr %h, ptr @lower,
; CHECK-NEXT:  %d = call i32 %fp(ptr %h, ptr @empty,
; CHECK-NEXT:  %faasfuse.is_nightcore = icmp eq ptr %fp, @__faasfuse_invoke
; CHECK:       call i64 @__faasfuse_lookup({{.*}}, ptr @nonul,
; CHECK:       %e = call i32 %fp(ptr %h, ptr @nonul, {{.*}}!faasfuse.rpc

; MISSED: remark: {{.*}}call to 'Bar2' stays an RPC: no function of that name is merged
; MISSED: remark: {{.*}}call to 'Ba' stays an RPC: no function of that name is merged
; MISSED: remark: {{.*}}call to 'bar' stays an RPC: no function of that name is merged
; MISSED: remark: {{.*}}call to '' stays an RPC: no function of that name is merged
; A name the pass cannot prove (no NUL: the host reads past it) is looked up
; at run time, never silently left an RPC.
; RUN: %opt %opaque %loadplugin -passes=faasfuse -pass-remarks=faasfuse %t.linked.bc -o /dev/null 2>&1 | FileCheck --check-prefix=PASSED %s
; PASSED: remark: {{.*}}call with a run-time name (the name is not NUL-terminated) dispatches
