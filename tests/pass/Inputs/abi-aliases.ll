; A Nightcore function (opaque pointers) whose ABI symbols are not plain
; functions: faas_func_call and faas_init are aliases (C's
; __attribute__((alias)), or clang's C1/D1 style), faas_create_func_worker
; is named by an asm label ("\01", as some front ends write it), and
; faas_destroy_func_worker is an ifunc.
@.str = private unnamed_addr constant [4 x i8] c"Bz:\00"

@faas_func_call = alias i32 (ptr, ptr, i64), ptr @call_impl
@faas_init = alias i32 (), ptr @init_impl
@faas_destroy_func_worker = ifunc i32 (ptr), ptr @resolve_destroy

define internal i32 @init_impl() {
  ret i32 0
}

define i32 @"\01faas_create_func_worker"(ptr %ctx, ptr %invoke, ptr %append, ptr %handle) {
  %w = call ptr @malloc(i64 16)
  store ptr %ctx, ptr %w
  %p = getelementptr i8, ptr %w, i64 8
  store ptr %append, ptr %p
  store ptr %w, ptr %handle
  ret i32 0
}

define internal i32 @destroy_impl(ptr %handle) {
  call void @free(ptr %handle)
  ret i32 0
}

define internal ptr @resolve_destroy() {
  ret ptr @destroy_impl
}

define i32 @call_impl(ptr %handle, ptr %input, i64 %len) {
  %ctx = load ptr, ptr %handle
  %p = getelementptr i8, ptr %handle, i64 8
  %append = load ptr, ptr %p
  call void %append(ptr %ctx, ptr @.str, i64 3)
  call void %append(ptr %ctx, ptr %input, i64 %len)
  ret i32 0
}

declare ptr @malloc(i64)
declare void @free(ptr)
