; A name known only at run time (a std::string's c_str(), a parameter)
; becomes a lookup in the sorted table of merged functions and a switch over
; direct calls of their wrappers; no match is the RPC, unchanged. Each site
; has a cache word of its own (its last match, tried first).
; faasfuse<no-dynamic> leaves it an RPC and says so.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Baz>' %S/Inputs/callee-abi.ll -o %t.baz.bc
; RUN: %llvm-link %opaque %s %t.baz.bc %t.bar.bc -o %t.linked.bc
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
  %q = getelementptr i8, ptr %h, i64 16
  %name2 = load ptr, ptr %q
  %r2 = call i32 %fp(ptr %h, ptr %name2, ptr %in, i64 %len, ptr %out, ptr %outlen)
  %s = add i32 %r, %r2
  ret i32 %s
}

; The table is sorted by name whatever the link order.
; CHECK-DAG: @__faasfuse_dispatch_table = internal constant [2 x ptr] [ptr @__faasfuse_desc_Bar, ptr @__faasfuse_desc_Baz]
; CHECK-DAG: @__faasfuse_site_cache = internal global i64 0
; CHECK-DAG: @[[CACHE2:__faasfuse_site_cache\.[0-9]+]] = internal global i64 0
; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK:         %faasfuse.is_nightcore = icmp eq ptr %fp, @__faasfuse_invoke
; CHECK-NEXT:    br i1 %faasfuse.is_nightcore, label %faasfuse.fused, label %faasfuse.rpc
; CHECK:       faasfuse.fused:
; CHECK-NEXT:    %faasfuse.index = call i64 @__faasfuse_lookup(ptr @__faasfuse_dispatch_table, i64 2, ptr %name, ptr @__faasfuse_site_cache)
; CHECK-NEXT:    switch i64 %faasfuse.index, label %faasfuse.rpc [
; CHECK-NEXT:      i64 0, label %[[BAR:faasfuse.call[0-9]*]]
; CHECK-NEXT:      i64 1, label %[[BAZ:faasfuse.call[0-9]*]]
; CHECK-NEXT:    ]
; CHECK:       [[BAR]]:
; CHECK-NEXT:    %[[RBAR:faasfuse.r[0-9]*]] = call i32 @__faasfuse_callee_Bar(ptr %h, ptr %in, i64 %len, ptr %out, ptr %outlen)
; CHECK-NEXT:    br label %faasfuse.join
; CHECK:       [[BAZ]]:
; CHECK-NEXT:    %[[RBAZ:faasfuse.r[0-9]*]] = call i32 @__faasfuse_callee_Baz(ptr %h, ptr %in, i64 %len, ptr %out, ptr %outlen)
; CHECK-NEXT:    br label %faasfuse.join
; CHECK:       faasfuse.rpc:
; CHECK-NEXT:    %r = call i32 %fp(ptr %h, ptr %name, ptr %in, i64 %len, ptr %out, ptr %outlen), !faasfuse.rpc
; CHECK:       faasfuse.join:
; CHECK-NEXT:    phi i32 [ %[[RBAR]], %[[BAR]] ], [ %[[RBAZ]], %[[BAZ]] ], [ %r, %faasfuse.rpc ]
; The second site: its own cache word.
; CHECK:         call i64 @__faasfuse_lookup(ptr @__faasfuse_dispatch_table, i64 2, ptr %name2, ptr @[[CACHE2]])
; CHECK:         %r2 = call i32 %fp(ptr %h, ptr %name2,
; REMARK: remark: {{.*}}call with a run-time name (the name is not a constant string) dispatches to the 2 merged function(s) by name, other names stay RPCs
; REMARK: remark: {{.*}}call with a run-time name (the name is not a constant string) dispatches to the 2 merged function(s) by name, other names stay RPCs

; NODYN: remark: {{.*}}call stays an RPC: the name is not a constant string (run-time dispatch is off: no-dynamic)
; NODYN-IR-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; NODYN-IR-NOT: __faasfuse_lookup(
; NODYN-IR: %r = call i32 %fp(ptr %h, ptr %name,
; NODYN-IR-NOT: __faasfuse_lookup(
; NODYN-IR: %r2 = call i32 %fp(ptr %h, ptr %name2,
