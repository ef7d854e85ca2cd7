; Calls of append_output_fn through a pointer become a guarded direct call
; of the runtime's __faasfuse_append (which every worker of a merged library
; is handed), so -O2 can inline its fast path; the pointer call stays on the
; other path, marked so that no later run (LTO after per-object) promotes
; it again. Calls of another type, of a known function, and `invoke`s are
; left alone.
; RUN: %opt %opaque %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %opaque %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %opaque %loadplugin -passes=faasfuse %t.linked.bc -S -o %t.ll
; RUN: FileCheck %s < %t.ll
; The entry's appends:
; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK: %faasfuse.is_rt_append = icmp eq ptr %append, @__faasfuse_append
; CHECK-NEXT: br i1 %faasfuse.is_rt_append, label %faasfuse.append, label %faasfuse.append.indirect
; CHECK: faasfuse.append:
; CHECK-NEXT: call void @__faasfuse_append(ptr %ctx, ptr %in, i64 %len)
; CHECK-NEXT: br label %faasfuse.append.join
; CHECK: faasfuse.append.indirect:
; CHECK-NEXT: call void %append(ptr %ctx, ptr %in, i64 %len), !faasfuse.append
; A call of another type and a call of a known function stay as they are.
; CHECK: faasfuse.append.join:
; CHECK-NEXT: call void %other(ptr %ctx, ptr %in, i32 7)
; CHECK-NEXT: call void @log_it(ptr %ctx, ptr %in, i64 %len)
; CHECK-NOT: is_rt_append
; CHECK: ret i32 0

; The merged callee's appends, both promoted:
; CHECK-LABEL: define internal i32 @__faasfuse.Bar.faas_func_call(
; CHECK-COUNT-2: icmp eq ptr %append, @__faasfuse_append
; CHECK: ret i32

@.name = private unnamed_addr constant [4 x i8] c"Bar\00"

declare void @log_it(ptr, ptr, i64)

define i32 @faas_init() {
  ret i32 0
}

define i32 @faas_create_func_worker(ptr %ctx, ptr %invoke, ptr %append, ptr %handle) {
  store ptr %ctx, ptr %handle
  ret i32 0
}

define i32 @faas_destroy_func_worker(ptr %handle) {
  ret i32 0
}

define i32 @faas_func_call(ptr %ctx, ptr %in, i64 %len) {
  %append = load ptr, ptr %ctx
  %slot = getelementptr ptr, ptr %ctx, i64 1
  %other = load ptr, ptr %slot
  call void %append(ptr %ctx, ptr %in, i64 %len)
  call void %other(ptr %ctx, ptr %in, i32 7)
  call void @log_it(ptr %ctx, ptr %in, i64 %len)
  ret i32 0
}
