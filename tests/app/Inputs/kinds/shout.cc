// Shout, in C++: "SHOUT(INPUT!!!)<LOG>", the input upper-cased through
// std::string, "!!!" from loud() in a static library the manifest links
// (libs/libloud.a), and Log's reply (Log is bitcode, log.ll).
#include <cctype>
#include <string>

#include "faas/worker_v1_interface.h"

extern "C" const char *loud(void);

namespace {
struct Worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};
} // namespace

extern "C" {
int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  *worker_handle = new Worker{caller_context, invoke_func_fn, append_output_fn};
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<Worker *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t len) {
  Worker *w = static_cast<Worker *>(worker_handle);
  const char *reply;
  size_t reply_len;
  if (w->invoke(w->ctx, "Log", input, len, &reply, &reply_len) != 0)
    return 1;
  std::string out = "SHOUT(";
  for (size_t i = 0; i < len; i++)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(input[i])));
  out += loud();
  out += ")<" + std::string(reply, reply_len) + ">";
  w->append(w->ctx, out.data(), out.size());
  return 0;
}
}
