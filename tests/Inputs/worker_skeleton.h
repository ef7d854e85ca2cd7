/* The Nightcore worker most test functions share, so that an input holds
 * only what its test is about. An input includes it by its path from the
 * input's own directory, so every way a test builds it (clang, faas-merge,
 * CMake's prebuilt libraries) finds it without a flag. (The benchmark's
 * functions include it too: bench/src by its path, gen_synth.py's output
 * through -I.) A test input, tests/X/Inputs/echo.c:
 *
 *   #include "../../Inputs/worker_skeleton.h"
 *
 *   int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
 *     struct worker *w = worker_handle;
 *     w->append_output_fn(w->caller_context, input, input_length);
 *     return 0;
 *   }
 *
 * It defines struct worker (the host's context and both callbacks, kept by
 * faas_create_func_worker), faas_init (returns 0; an input that defines
 * WORKER_OWN_INIT first writes its own), faas_create_func_worker and
 * faas_destroy_func_worker, as examples/foo.c writes them out.
 *
 * Inputs about these functions themselves write them out instead: a missing
 * or failing one, aliases and other ABI forms, a worker kept in a global or
 * holding more than this one (tests/Inputs/faas-run/rec.c, thread-probe.c,
 * tests/driver/Inputs/foo-runtime-name.c). So does examples/, which users
 * copy. */
#ifndef FAASFUSE_TESTS_WORKER_SKELETON_H
#define FAASFUSE_TESTS_WORKER_SKELETON_H

#include <stdlib.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
};

#ifndef WORKER_OWN_INIT
int faas_init(void) { return 0; }
#endif

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->caller_context = caller_context;
  w->invoke_func_fn = invoke_func_fn;
  w->append_output_fn = append_output_fn;
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

#endif
