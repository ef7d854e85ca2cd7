// examples/bar.c's ABI, plus calls to seven C++ functions that no library
// defines: a link of it leaves them undefined.
#include "faas/worker_v1_interface.h"

namespace ext {
void a();
void b(int);
void c();
void d();
void e();
void f();
void g();
} // namespace ext

extern "C" {
int faas_init(void) { return 0; }
int faas_create_func_worker(void *, faas_invoke_func_fn_t, faas_append_output_fn_t,
                            void **worker_handle) {
  *worker_handle = nullptr;
  return 0;
}
int faas_destroy_func_worker(void *) { return 0; }
int faas_func_call(void *, const char *, size_t length) {
  ext::a();
  ext::b(static_cast<int>(length));
  ext::c();
  ext::d();
  ext::e();
  ext::f();
  ext::g();
  return 0;
}
}
