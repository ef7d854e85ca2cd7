/* A merged callee whose calls through its worker the pass makes direct
 * (callee-calls-runtime-directly.test). -DSWAPPED: the call writes its
 * worker's field, so none is. */
#include "../../Inputs/worker_skeleton.h"

void *other_ctx;
struct worker decoy;

/* Only faas_func_call calls it, with the worker. */
__attribute__((noinline)) static void say(struct worker *w, const char *s, size_t n) {
  w->append_output_fn(w->caller_context, s, n);
}
/* The worker's append, another context. */
__attribute__((noinline)) static void say_elsewhere(struct worker *w, const char *s, size_t n) {
  w->append_output_fn(other_ctx, s, n);
}
/* Called with the worker and with something else. */
__attribute__((noinline)) static void shared(struct worker *w) {
  w->append_output_fn(w->caller_context, "s", 1);
}
void poke(void) { shared(&decoy); }

static void flip(void *ctx, const char *s, size_t n) {
  (void)ctx, (void)s, (void)n;
}

int faas_func_call(void *handle, const char *in, size_t len) {
  struct worker *w = handle;
  const char *out;
  size_t outlen;
#ifdef SWAPPED
  w->append_output_fn = flip;
#endif
  if (w->invoke_func_fn(w->caller_context, "Next", in, len, &out, &outlen) == 0)
    say(w, out, outlen);
  say_elsewhere(w, "x", 1);
  shared(w);
  return 0;
}
