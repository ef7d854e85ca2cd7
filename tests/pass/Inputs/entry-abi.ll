; A minimal Nightcore caller (opaque pointers) that invokes "Bar".
@bar = private unnamed_addr constant [4 x i8] c"Bar\00"

define i32 @faas_init() {
  ret i32 0
}

define i32 @faas_create_func_worker(ptr %ctx, ptr %invoke, ptr %append, ptr %handle) {
  %w = call ptr @malloc(i64 16)
  store ptr %invoke, ptr %w
  %p = getelementptr i8, ptr %w, i64 8
  store ptr %ctx, ptr %p
  store ptr %w, ptr %handle
  ret i32 0
}

define i32 @faas_destroy_func_worker(ptr %handle) {
  call void @free(ptr %handle)
  ret i32 0
}

define i32 @faas_func_call(ptr %h, ptr %in, i64 %len) {
  %fp = load ptr, ptr %h
  %p = getelementptr i8, ptr %h, i64 8
  %ctx = load ptr, ptr %p
  %out = alloca ptr
  %outlen = alloca i64
  %r = call i32 %fp(ptr %ctx, ptr @bar, ptr %in, i64 %len, ptr %out, ptr %outlen)
  ret i32 %r
}

declare ptr @malloc(i64)
declare void @free(ptr)
