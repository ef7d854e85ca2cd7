; A callee that defines three of the four ABI functions: no faas_init.
define i32 @faas_create_func_worker(ptr %ctx, ptr %invoke, ptr %append, ptr %handle) {
  store ptr null, ptr %handle
  ret i32 0
}

define i32 @faas_destroy_func_worker(ptr %handle) {
  ret i32 0
}

define i32 @faas_func_call(ptr %handle, ptr %input, i64 %len) {
  ret i32 0
}
