/* A caller whose sites the remarks test points at, by line and column. */
#include "faas/worker_v1_interface.h"

static void *ctx;
static faas_invoke_func_fn_t invoke;

int faas_create_func_worker(void *c, faas_invoke_func_fn_t i,
                            faas_append_output_fn_t a, void **h) {
  (void)a;
  ctx = c;
  invoke = i;
  *h = 0;
  return 0;
}

int faas_func_call(void *h, const char *in, size_t len) {
  const char *out; size_t n; (void)h;
  if (invoke(ctx, "Bar", in, len, &out, &n) != 0)
    return -1;
  return invoke(ctx, "Nowhere", in, len, &out, &n);
}
