/* Foo: answers with the version of the library it links (v1), then calls
 * Bar, which links v2 of the same library. */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

const char *libver(void);

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = caller_context;
  w->invoke = invoke;
  w->append = append;
  *handle = w;
  return 0;
}

int faas_destroy_func_worker(void *handle) {
  free(handle);
  return 0;
}

int faas_func_call(void *handle, const char *input, size_t input_length) {
  struct worker *w = handle;
  const char *out, *v = libver();
  size_t len;
  w->append(w->ctx, "Foo:", 4);
  w->append(w->ctx, v, strlen(v));
  if (w->invoke(w->ctx, "Bar", input, input_length, &out, &len) != 0)
    return -1;
  w->append(w->ctx, " ", 1);
  w->append(w->ctx, out, len);
  return 0;
}
