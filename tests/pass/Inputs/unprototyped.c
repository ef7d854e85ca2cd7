/* Foo, calling Bar through an unprototyped pointer to invoke_func_fn
 * (valid C17): clang gives such calls a variadic type, and the length of
 * the second call is an int (the default promotions), not a size_t. */
#include "../../Inputs/worker_skeleton.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  int (*fn)() = (int (*)())w->invoke_func_fn;
  const char *out;
  size_t outlen;
  if (fn(w->caller_context, "Bar", input, len, &out, &outlen) != 0)
    return 1;
  w->append_output_fn(w->caller_context, out, outlen);
  if (fn(w->caller_context, "Bar", "int", 3, &out, &outlen) != 0)
    return 2;
  w->append_output_fn(w->caller_context, out, outlen);
  return 0;
}
