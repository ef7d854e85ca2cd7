/* Foo and Bar (-DFN_Foo, -DFN_Bar, -DFN_BarHandle) for the shared-worker
 * warning. Foo calls Bar; Bar calls Foo back while its input is not empty
 * (a cycle). Bar keeps its caller_context and append callback in globals,
 * as Nightcore's C examples do (correct there: one worker per process);
 * BarHandle keeps them in its worker handle. */
#include <stdlib.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

#ifdef FN_Bar
static void *g_ctx;
static faas_append_output_fn_t g_append;
static faas_invoke_func_fn_t g_invoke;

int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **handle) {
  g_ctx = ctx;
  g_invoke = invoke;
  g_append = append;
  *handle = NULL;
  return 0;
}

int faas_destroy_func_worker(void *handle) {
  (void)handle;
  return 0;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  const char *out;
  size_t outlen;
  (void)handle;
  g_append(g_ctx, "B", 1);
  if (len > 0 && g_invoke(g_ctx, "Foo", input + 1, len - 1, &out, &outlen) == 0)
    g_append(g_ctx, out, outlen);
  g_append(g_ctx, "b", 1);
  return 0;
}
#else
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
#ifdef FN_Foo
  const char *next = "Bar";
#else
  const char *next = "Foo";
#endif
  w->append(w->ctx, "[", 1);
  if ((len > 0 || next[0] == 'B') &&
      w->invoke(w->ctx, next, input + (len > 0 && next[0] == 'F'),
                len - (len > 0 && next[0] == 'F'), &out, &outlen) == 0)
    w->append(w->ctx, out, outlen);
  w->append(w->ctx, "]", 1);
  return 0;
}
#endif
