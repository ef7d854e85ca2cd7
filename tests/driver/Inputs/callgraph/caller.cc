// Foo in C++ for --callgraph: a client class calls Bar through a virtual
// method (the site is reached through the vtable) and Baz by a
// std::string name, which the pass sees only as a name known at run time.
#include <string>

#include "faas/worker_v1_interface.h"

namespace {
struct Client {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
  virtual ~Client() = default;
  virtual int call(const char *input, size_t length) {
    const char *reply;
    size_t reply_length;
    if (invoke(ctx, "Bar", input, length, &reply, &reply_length) != 0)
      return -1;
    append(ctx, reply, reply_length);
    std::string name = std::string("Ba") + (length > 0 ? input[0] : 'z');
    if (invoke(ctx, name.c_str(), input, length, &reply, &reply_length) != 0)
      return -1;
    append(ctx, reply, reply_length);
    return 0;
  }
};
} // namespace

extern "C" {
int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  auto *c = new Client;
  c->ctx = caller_context;
  c->invoke = invoke_func_fn;
  c->append = append_output_fn;
  *worker_handle = c;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<Client *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t length) {
  return static_cast<Client *>(worker_handle)->call(input, length);
}
}
