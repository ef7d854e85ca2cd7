/* Every kind of site faasfuse-callgraph reports: a literal, a choice of
 * literals, a run-time name, a site reached only through a function
 * pointer kept in a global, and a site no ABI function reaches. */
#include <stdlib.h>

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

static int call(struct worker *w, const char *name, const char *in, size_t len) {
  const char *out;
  size_t outlen;
  if (w->invoke(w->ctx, name, in, len, &out, &outlen) != 0)
    return -1;
  w->append(w->ctx, out, outlen);
  return 0;
}

/* Reached only through `hook`, as a virtual method would be. */
static int tabled(struct worker *w, const char *in, size_t len) {
  const char *out;
  size_t outlen;
  return w->invoke(w->ctx, "Tabled", in, len, &out, &outlen);
}
static int (*volatile hook)(struct worker *, const char *, size_t) = tabled;

/* Exported but called by nothing of this function's. */
int unreached_helper(struct worker *w) {
  const char *out;
  size_t outlen;
  return w->invoke(w->ctx, "Never", "", 0, &out, &outlen);
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *out;
  size_t outlen;
  if (w->invoke(w->ctx, "Bar", input, len, &out, &outlen) != 0)
    return -1;
  if (call(w, len > 3 ? "Left" : "Right", input, len) != 0)
    return -1;
  if (call(w, input, input, len) != 0) /* the input names the function */
    return -1;
  return hook(w, input, len);
}
