/* Name forms that are constant on every path, as -O0 code shows them. */
#include "faas/worker_v1_interface.h"

static void *ctx;
static faas_invoke_func_fn_t invoke;
static const char *callee_name = "Bar";                 /* never written */
static const char *const table[] = {"Bar", "Qux"};      /* a constant table */

int faas_create_func_worker(void *c, faas_invoke_func_fn_t i,
                            faas_append_output_fn_t a, void **h) {
  (void)a; ctx = c; invoke = i; *h = 0; return 0;
}

int faas_func_call(void *h, const char *in, size_t len) {
  const char *out; size_t n; (void)h;
  const char *local = "Bar";                            /* a local variable */
  int r = invoke(ctx, local, in, len, &out, &n);
  r |= invoke(ctx, table[len % 2], in, len, &out, &n);
  r |= invoke(ctx, callee_name, in, len, &out, &n);
  return r;
}
