; The entry's own faas_* become internal; the exported faas_* route
; through the runtime with the entry's descriptor, and the runtime is
; linked in with internal linkage: the library exports what it did before.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %S/Inputs/entry-abi.ll %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse %t.linked.bc -S -o - | FileCheck %s

; CHECK-DAG: @__faasfuse_desc__entry = internal constant { ptr, ptr, ptr, ptr, ptr, ptr, i64 } { ptr @__faasfuse_name__entry, ptr @__faasfuse._entry.faas_init, ptr @__faasfuse._entry.faas_create_func_worker, ptr @__faasfuse._entry.faas_destroy_func_worker, ptr @__faasfuse._entry.faas_func_call, ptr @__faasfuse_state__entry, i64 1 }
; CHECK-DAG: define internal i32 @__faasfuse._entry.faas_init()
; CHECK-DAG: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK-DAG: define internal {{.*}}i32 @__faasfuse_call(
; CHECK-DAG: define internal {{.*}}i32 @__faasfuse_invoke(
; CHECK-DAG: define internal i32 @__faasfuse_callee_Bar(
; CHECK-DAG: define i32 @faas_init() {
; CHECK-DAG: call i32 @__faasfuse_entry_init(ptr @__faasfuse_desc__entry)
; CHECK-DAG: define i32 @faas_create_func_worker(ptr %0, ptr %1, ptr %2, ptr %3) {
; CHECK-DAG: call i32 @__faasfuse_entry_create(ptr @__faasfuse_desc__entry, ptr %0, ptr %1, ptr %2, ptr %3)
; CHECK-DAG: define i32 @faas_destroy_func_worker(ptr %0) {
; CHECK-DAG: call i32 @__faasfuse_entry_destroy(ptr @__faasfuse_desc__entry, ptr %0)
; CHECK-DAG: define i32 @faas_func_call(ptr %0, ptr %1, i64 %2) {
; CHECK-DAG: call i32 @__faasfuse_entry_call(ptr @__faasfuse_desc__entry, ptr %0, ptr %1, i64 %2)
; CHECK-DAG: !faasfuse.fused = !{
