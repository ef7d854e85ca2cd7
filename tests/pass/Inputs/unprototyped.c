/* Foo, calling Bar through an unprototyped pointer to invoke_func_fn
 * (valid C17): clang gives such calls a variadic type, and the length of
 * the second call is an int (the default promotions), not a size_t. */
#include <stdlib.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = ctx;
  w->invoke_func_fn = invoke;
  w->append = append;
  *handle = w;
  return 0;
}

int faas_destroy_func_worker(void *handle) {
  free(handle);
  return 0;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  int (*fn)() = (int (*)())w->invoke_func_fn;
  const char *out;
  size_t outlen;
  if (fn(w->ctx, "Bar", input, len, &out, &outlen) != 0)
    return 1;
  w->append(w->ctx, out, outlen);
  if (fn(w->ctx, "Bar", "int", 3, &out, &outlen) != 0)
    return 2;
  w->append(w->ctx, out, outlen);
  return 0;
}
