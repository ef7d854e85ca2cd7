/* Bar with its faas_* functions defined in every other way a symbol can be:
 * an alias, an ifunc, an asm label. Nightcore's launcher finds all of them
 * with dlsym, so faas-merge accepts them. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_append_output_fn_t append_output_fn;
};

static int init_impl(void) { return 0; }
int faas_init(void) __attribute__((alias("init_impl")));

int create_impl(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                faas_append_output_fn_t append_output_fn,
                void **worker_handle) __asm__("faas_create_func_worker");
int create_impl(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                faas_append_output_fn_t append_output_fn,
                void **worker_handle) {
  (void)invoke_func_fn;
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->caller_context = caller_context;
  w->append_output_fn = append_output_fn;
  *worker_handle = w;
  return 0;
}

static int destroy_impl(void *worker_handle) {
  free(worker_handle);
  return 0;
}
static int (*resolve_destroy(void))(void *) { return destroy_impl; }
int faas_destroy_func_worker(void *) __attribute__((ifunc("resolve_destroy")));

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  char buf[64];
  size_t n = input_length < sizeof buf ? input_length : sizeof buf;
  for (size_t i = 0; i < n; i++)
    buf[i] = (char)toupper((unsigned char)input[i]);
  w->append_output_fn(w->caller_context, "Bar:", 4);
  w->append_output_fn(w->caller_context, buf, n);
  return 0;
}
