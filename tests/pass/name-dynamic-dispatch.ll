; A name known only at run time (a std::string's c_str(), a parameter)
; dispatches by name among the merged functions, or stays the RPC;
; faasfuse<no-dynamic> leaves it an RPC and says so.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse -pass-remarks=faasfuse %t.linked.bc -S -o %t.ll 2>%t.remarks
; RUN: FileCheck %s < %t.ll
; RUN: FileCheck --check-prefix=REMARK %s < %t.remarks
; RUN: %opt %opaque %loadplugin -passes='faasfuse<no-dynamic>' -pass-remarks-missed=faasfuse %t.linked.bc -S -o %t.nodyn.ll 2>&1 | FileCheck --check-prefix=NODYN %s
; RUN: FileCheck --check-prefix=NODYN-IR %s < %t.nodyn.ll

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {
  %fp = load ptr, ptr %h
  %p = getelementptr i8, ptr %h, i64 8
  %name = load ptr, ptr %p
  %out = alloca ptr
  %outlen = alloca i64
  %r = call i32 %fp(ptr %h, ptr %name, ptr %in, i64 %len, ptr %out, ptr %outlen)
  ret i32 %r
}

; CHECK-DAG: @__faasfuse_dispatch_table = internal constant [1 x ptr] [ptr @__faasfuse_desc_Bar]
; CHECK-LABEL: define internal i32 @__faasfuse.entry.faas_func_call(
; CHECK:     faasfuse.fused:
; CHECK-NEXT:  %faasfuse.r = call i32 @__faasfuse_dispatch(ptr @__faasfuse_dispatch_table, i64 1, ptr %h, ptr %name, ptr %in, i64 %len, ptr %out, ptr %outlen)
; CHECK:     faasfuse.rpc:
; CHECK-NEXT:  %r = call i32 %fp(ptr %h, ptr %name,
; REMARK: remark: {{.*}}call with a run-time name (the name is not a constant string) dispatches to the 1 merged function(s) by name, other names stay RPCs

; NODYN: remark: {{.*}}call stays an RPC: the name is not a constant string (run-time dispatch is off: no-dynamic)
; NODYN-IR-LABEL: define internal i32 @__faasfuse.entry.faas_func_call(
; NODYN-IR-NOT: __faasfuse_dispatch(
; NODYN-IR: %r = call i32 %fp(ptr %h, ptr %name,
