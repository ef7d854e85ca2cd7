// Four Nightcore functions, one per -DFN_X, for the LTO test of one
// runtime per library: E -> A -> B -> C, where E and B call through relay(),
// an inline function (linkonce_odr) that E's object and B's both define, so
// that the LTO link keeps E's copy for B too (noinline: so that both
// objects keep a copy to choose from).
#include <cstdlib>
#include <cstring>

#include "faas/worker_v1_interface.h"

struct W {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

__attribute__((noinline)) inline int relay(W *w, const char *name, const char *in, size_t n) {
  const char *out;
  size_t len;
  int rc = w->invoke(w->ctx, name, in, n, &out, &len);
  if (rc == 0)
    w->append(w->ctx, out, len);
  return rc;
}

extern "C" int faas_init() { return 0; }

extern "C" int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t invoke,
                                       faas_append_output_fn_t append, void **h) {
  *h = new W{ctx, invoke, append};
  return 0;
}

extern "C" int faas_destroy_func_worker(void *h) {
  delete static_cast<W *>(h);
  return 0;
}

extern "C" int faas_func_call(void *h, const char *in, size_t n) {
  W *w = static_cast<W *>(h);
#if defined(FN_E)
  w->append(w->ctx, "E>", 2);
  return relay(w, "A", in, n) == 0 ? 0 : 1;
#elif defined(FN_A)
  const char *out;
  size_t len;
  w->append(w->ctx, "A>", 2);
  if (w->invoke(w->ctx, "B", in, n, &out, &len) != 0)
    return 1;
  w->append(w->ctx, out, len);
  return 0;
#elif defined(FN_B)
  w->append(w->ctx, "B>", 2);
  return relay(w, "C", in, n) == 0 ? 0 : 1;
#else
  w->append(w->ctx, "C:", 2);
  w->append(w->ctx, in, n);
  return 0;
#endif
}
