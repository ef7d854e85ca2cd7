// "Thrower": a C++ Nightcore function whose ABI functions throw on demand,
// for the tests of exceptions at a merged callee's boundary.
//   faas_init                 throws if THROWER_FAIL_INIT is set
//   faas_create_func_worker   throws if THROWER_FAIL_CREATE is set
//   faas_func_call "throw"    appends, then throws std::runtime_error
//   faas_func_call "count"    appends how many calls this worker has run
//   faas_func_call "fail"     appends, then returns 1 (a plain failure)
//   faas_destroy_func_worker  throws if THROWER_FAIL_DESTROY is set
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "faas/worker_v1_interface.h"

namespace {

class Worker {
public:
  Worker(void *ctx, faas_append_output_fn_t append);
  ~Worker();
  int call(const std::string &in);

private:
  void *ctx_;
  faas_append_output_fn_t append_;
  int calls_ = 0;
};

Worker::Worker(void *ctx, faas_append_output_fn_t append)
    : ctx_(ctx), append_(append) {
  if (std::getenv("THROWER_FAIL_CREATE") != nullptr)
    throw std::runtime_error("create: refused");
}

Worker::~Worker() = default;

int Worker::call(const std::string &in) {
  std::string out = "calls=" + std::to_string(++calls_);
  append_(ctx_, out.data(), out.size());
  if (in == "throw")
    throw std::runtime_error("call: " + in);
  return in == "fail" ? 1 : 0;
}

} // namespace

extern "C" int faas_init() {
  if (std::getenv("THROWER_FAIL_INIT") != nullptr)
    throw std::runtime_error("init: missing config key");
  return 0;
}

extern "C" int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t,
                                       faas_append_output_fn_t append,
                                       void **handle) {
  *handle = new Worker(ctx, append);
  return 0;
}

extern "C" int faas_destroy_func_worker(void *handle) {
  delete static_cast<Worker *>(handle);
  if (std::getenv("THROWER_FAIL_DESTROY") != nullptr)
    throw std::runtime_error("destroy: refused");
  return 0;
}

extern "C" int faas_func_call(void *handle, const char *in, size_t len) {
  return static_cast<Worker *>(handle)->call(std::string(in, len));
}
