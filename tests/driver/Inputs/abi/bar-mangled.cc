// A C++ Bar whose faas_init was written without extern "C" (and without
// Nightcore's header, which would have given it C linkage): its symbol is
// _Z9faas_initv, which Nightcore's launcher (dlsym "faas_init") never finds.
#include <cstddef>

int faas_init() { return 0; }

extern "C" {
int faas_create_func_worker(void *caller_context, void *, void *,
                            void **worker_handle) {
  *worker_handle = caller_context;
  return 0;
}
int faas_destroy_func_worker(void *) { return 0; }
int faas_func_call(void *, const char *, std::size_t) { return 0; }
}
