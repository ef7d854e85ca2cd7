// Bar in C++: the same replies as examples/bar.c ("Bar:" + the input
// upper-cased; fails on "fail" after appending), through std::string and a
// caught exception, so a merge must link the C++ runtime.
#include <cctype>
#include <stdexcept>
#include <string>

#include "faas/worker_v1_interface.h"

namespace {
struct Worker {
  void *ctx;
  faas_append_output_fn_t append;
};

std::string reply(const std::string &in) {
  if (in == "fail")
    throw std::runtime_error("asked to fail");
  std::string up(in);
  for (char &c : up)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return up;
}
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

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  Worker *w = static_cast<Worker *>(worker_handle);
  std::string in(input, input_length);
  w->append(w->ctx, "Bar:", 4);
  try {
    std::string out = reply(in);
    w->append(w->ctx, out.data(), out.size());
    return 0;
  } catch (const std::exception &) {
    w->append(w->ctx, "FAIL", 4); // dropped: the call fails
    return 1;
  }
}
}
