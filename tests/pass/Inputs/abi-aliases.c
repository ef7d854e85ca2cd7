/* A Nightcore function "Baz" whose ABI symbols are an alias
 * (faas_func_call, faas_init), an asm label (faas_create_func_worker) and
 * an ifunc (faas_destroy_func_worker). Compiled with the LLVM passes off,
 * so that the aliases reach faasfuse as aliases. */
#include <stdlib.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_append_output_fn_t append;
};

static int init_impl(void) { return 0; }
int faas_init(void) __attribute__((alias("init_impl")));

int make_worker(void *ctx, faas_invoke_func_fn_t invoke,
                faas_append_output_fn_t append, void **handle)
    __asm__("faas_create_func_worker");
int make_worker(void *ctx, faas_invoke_func_fn_t invoke,
                faas_append_output_fn_t append, void **handle) {
  struct worker *w = malloc(sizeof *w);
  (void)invoke;
  if (w == NULL)
    return -1;
  w->ctx = ctx;
  w->append = append;
  *handle = w;
  return 0;
}

static int destroy_impl(void *handle) {
  free(handle);
  return 0;
}
static void *resolve_destroy(void) { return (void *)destroy_impl; }
int faas_destroy_func_worker(void *handle) __attribute__((ifunc("resolve_destroy")));

static int call_impl(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  w->append(w->ctx, "Bz:", 3);
  w->append(w->ctx, input, len);
  return len == 4 && input[0] == 'f' ? 1 : 0; /* "fail" fails */
}
int faas_func_call(void *handle, const char *input, size_t len)
    __attribute__((alias("call_impl")));
