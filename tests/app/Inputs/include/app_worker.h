/* The part every function of the test app shares: a worker that keeps its
 * callbacks, and put()/call() over them. Each function's source includes
 * it (found through the app's "cflags": ["-Iinclude"], relative to the
 * manifest) and defines faas_func_call. */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = caller_context;
  w->invoke = invoke_func_fn;
  w->append = append_output_fn;
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

static void put(struct worker *w, const char *s, size_t n) {
  w->append(w->ctx, s, n);
}

static void puts_(struct worker *w, const char *s) { put(w, s, strlen(s)); }
