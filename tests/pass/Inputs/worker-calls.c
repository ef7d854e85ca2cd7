/* A merged callee whose calls through its worker the pass makes direct
 * (callee-calls-runtime-directly.test). -DSWAPPED: the call writes its
 * worker's field, so none is. */
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

void *other_ctx;
struct worker decoy;

/* Only faas_func_call calls it, with the worker. */
__attribute__((noinline)) static void say(struct worker *w, const char *s, size_t n) {
  w->append(w->ctx, s, n);
}
/* The worker's append, another context. */
__attribute__((noinline)) static void say_elsewhere(struct worker *w, const char *s, size_t n) {
  w->append(other_ctx, s, n);
}
/* Called with the worker and with something else. */
__attribute__((noinline)) static void shared(struct worker *w) { w->append(w->ctx, "s", 1); }
void poke(void) { shared(&decoy); }

static void flip(void *ctx, const char *s, size_t n) {
  (void)ctx, (void)s, (void)n;
}

int faas_func_call(void *handle, const char *in, size_t len) {
  struct worker *w = handle;
  const char *out;
  size_t outlen;
#ifdef SWAPPED
  w->append = flip;
#endif
  if (w->invoke(w->ctx, "Next", in, len, &out, &outlen) == 0)
    say(w, out, outlen);
  say_elsewhere(w, "x", 1);
  shared(w);
  return 0;
}
