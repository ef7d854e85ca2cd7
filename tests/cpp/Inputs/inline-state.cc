// Caller and Callee (build with -DFN_Caller or -DFN_Callee) share a header's
// inline code, as C++ functions built from one code base do:
//  - next_id(), an inline function with a function-local static: apart, each
//    function counts on its own;
//  - struct Handler, defined differently in each (an ODR clash nobody sees
//    while they are separate libraries): inline virtual members, a vtable
//    and typeinfo with the same names.
// Merged, each must still see its own. noinline keeps the calls calls.
#include <cstdlib>
#include <string>

#include "faas/worker_v1_interface.h"

__attribute__((noinline)) inline int next_id() {
  static int n = 0;
  return ++n;
}

struct Handler {
  virtual ~Handler() {}
#ifdef FN_Caller
  __attribute__((noinline)) virtual std::string name() const { return "caller-handler"; }
#else
  __attribute__((noinline)) virtual std::string name() const { return "callee-handler"; }
#endif
};

struct Worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
  Handler *handler;
};

extern "C" int faas_init() { return 0; }

extern "C" int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t invoke,
                                       faas_append_output_fn_t append, void **h) {
  *h = new Worker{ctx, invoke, append, new Handler};
  return 0;
}

extern "C" int faas_destroy_func_worker(void *h) {
  Worker *w = static_cast<Worker *>(h);
  delete w->handler;
  delete w;
  return 0;
}

extern "C" int faas_func_call(void *h, const char *in, size_t n) {
  Worker *w = static_cast<Worker *>(h);
  std::string out = w->handler->name() + " id=" + std::to_string(next_id());
#ifdef FN_Caller
  const char *reply;
  size_t len;
  if (w->invoke(w->ctx, "Callee", in, n, &reply, &len) != 0)
    return 1;
  out += " [" + std::string(reply, len) + "]";
  if (w->invoke(w->ctx, "Callee", in, n, &reply, &len) != 0)
    return 1;
  out += " [" + std::string(reply, len) + "]";
  out += " id=" + std::to_string(next_id());
#else
  (void)in;
  (void)n;
#endif
  w->append(w->ctx, out.data(), out.size());
  return 0;
}
