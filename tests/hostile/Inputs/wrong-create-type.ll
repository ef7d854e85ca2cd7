; faas_create_func_worker with three parameters.
define i32 @faas_create_func_worker(i8* %c, i8* %i, i8* %a) {
  ret i32 0
}
define i32 @faas_func_call(i8* %h, i8* %in, i64 %n) {
  ret i32 0
}
