; Defines no faas_func_call.
define i32 @faas_init() {
  ret i32 0
}
