; A callee (opaque pointers) with every kind of global value the preparation
; touches: clang's C1/D1 constructor and destructor aliases of external
; functions, an alias of a variable, an alias through a constant
; expression, an ifunc, comdat members (external, linkonce_odr, weak_odr).
$inline_fn = comdat any
$weak_template = comdat any
$keyed_ext = comdat any

@counter = global i32 0
@counter_alias = alias i32, ptr @counter
@table = global [2 x i32] [i32 1, i32 2]
@second = alias i32, getelementptr inbounds ([2 x i32], ptr @table, i64 0, i64 1)
@keyed_ext = global i32 3, comdat

@_ZN3CtxC1Ev = unnamed_addr alias void (ptr), ptr @_ZN3CtxC2Ev
@_ZN3CtxD1Ev = unnamed_addr alias void (ptr), ptr @_ZN3CtxD2Ev
@fast_strlen = ifunc i64 (ptr), ptr @resolve_strlen

define void @_ZN3CtxC2Ev(ptr %this) unnamed_addr {
  store i32 1, ptr %this
  ret void
}

define void @_ZN3CtxD2Ev(ptr %this) unnamed_addr {
  store i32 0, ptr %this
  ret void
}

define internal i64 @my_strlen(ptr %s) {
  ret i64 0
}

define ptr @resolve_strlen() {
  ret ptr @my_strlen
}

define linkonce_odr i32 @inline_fn() comdat {
  ret i32 1
}

define weak_odr i32 @weak_template() comdat {
  ret i32 2
}

define i32 @faas_init() {
  ret i32 0
}

define i32 @faas_create_func_worker(ptr %ctx, ptr %invoke, ptr %append, ptr %handle) {
  %w = call ptr @malloc(i64 16)
  call void @_ZN3CtxC1Ev(ptr %w)
  store ptr %w, ptr %handle
  ret i32 0
}

define i32 @faas_destroy_func_worker(ptr %handle) {
  call void @_ZN3CtxD1Ev(ptr %handle)
  call void @free(ptr %handle)
  ret i32 0
}

define i32 @faas_func_call(ptr %handle, ptr %input, i64 %len) {
  %a = load i32, ptr @counter_alias
  %b = load i32, ptr @second
  %c = call i64 @fast_strlen(ptr %input)
  %d = call i32 @inline_fn()
  %e = call i32 @weak_template()
  %f = load i32, ptr @keyed_ext
  ret i32 0
}

declare ptr @malloc(i64)
declare void @free(ptr)
