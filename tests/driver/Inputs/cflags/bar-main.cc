// Bar in C++, in two files that build only with the right per-function and
// per-source flags: BAR_FN for both (--cflags-for Bar=...), MAIN_FILE for
// this one only and UPPER_FILE for bar-upper.cc only (--cflags-for SRC=...).
// Answers as examples/bar.c does.
#include <cstring>
#include <string>

#include "faas/worker_v1_interface.h"

#if !defined(BAR_FN) || !defined(MAIN_FILE) || defined(UPPER_FILE)
#error "needs -DBAR_FN and -DMAIN_FILE, and not -DUPPER_FILE"
#endif

std::string upper(const char *input, size_t length);

namespace {
struct Worker {
  void *ctx;
  faas_append_output_fn_t append;
};
} // namespace

extern "C" {
int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  *worker_handle = new Worker{caller_context, append_output_fn};
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<Worker *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t length) {
  auto *w = static_cast<Worker *>(worker_handle);
  std::string reply = "Bar:" + upper(input, length);
  w->append(w->ctx, reply.data(), reply.size());
  return length == 4 && std::memcmp(input, "fail", 4) == 0 ? 1 : 0;
}
}
