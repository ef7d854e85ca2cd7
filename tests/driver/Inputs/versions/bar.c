/* Bar: answers with the version of the library it links (v2). */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

const char *libver(void);

struct worker {
  void *ctx;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **handle) {
  (void)invoke;
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = caller_context;
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
  const char *v = libver();
  (void)input;
  (void)input_length;
  w->append(w->ctx, "Bar:", 4);
  w->append(w->ctx, v, strlen(v));
  return 0;
}
