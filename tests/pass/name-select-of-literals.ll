; A `select` of two literals is resolved without comparing strings at run
; time: the name pointer is compared with each merged literal (which -O2
; folds into the select's condition); the unmerged one stays an RPC.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse -pass-remarks=faasfuse %t.linked.bc -S -o %t.ll 2>%t.remarks
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck --check-prefix=REMARK %s < %t.remarks

@bar = private unnamed_addr constant [4 x i8] c"Bar\00"
@qux = private unnamed_addr constant [4 x i8] c"Qux\00"

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {
  %fp = load ptr, ptr %h
  %out = alloca ptr
  %outlen = alloca i64
  %big = icmp ugt i64 %len, 3
  %name = select i1 %big, ptr @bar, ptr @qux
  %r = call i32 %fp(ptr %h, ptr %name, ptr %in, i64 %len, ptr %out, ptr %outlen)
  ret i32 %r
}

; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK:       br i1 %faasfuse.is_nightcore, label %faasfuse.fused, label %faasfuse.rpc
; CHECK:     faasfuse.fused:
; CHECK-NEXT:  %faasfuse.is_name = icmp eq ptr %name, @bar
; CHECK-NEXT:  br i1 %faasfuse.is_name, label %faasfuse.call, label %faasfuse.next
; CHECK:     faasfuse.call:
; CHECK-NEXT:  call i32 @__faasfuse_callee_Bar(
; CHECK:     faasfuse.next:
; CHECK-NEXT:  br label %faasfuse.rpc
; CHECK-NOT:   strcmp
; CHECK-NOT:   __faasfuse_dispatch(
; CHECK-NOT:   __faasfuse_lookup(
; CHECK:     faasfuse.join:
; REMARK: remark: {{.*}}fused call to one of 'Bar' into direct calls chosen by pointer comparison ('Qux' stay RPCs)
