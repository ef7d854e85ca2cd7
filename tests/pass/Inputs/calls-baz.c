/* A caller that invokes "Baz" and prints what it got. */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = ctx;
  w->invoke = invoke;
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
  const char *out;
  size_t outlen;
  if (w->invoke(w->ctx, "Baz", input, len, &out, &outlen) != 0)
    return 1;
  w->append(w->ctx, "caller got [", 12);
  w->append(w->ctx, out, outlen);
  w->append(w->ctx, "]\n", 2);
  return 0;
}
