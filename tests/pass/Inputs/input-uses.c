/* One faas_func_call per -D, each handling its input one way, for
 * callee-copies-input-unless-read-only.test. The worker is the skeleton's
 * unless a variant says otherwise. */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
};

#ifdef LEAK_WORKER
struct worker *last_worker; /* create leaks the worker: anyone may write it */
#endif

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->caller_context = caller_context;
  w->invoke_func_fn = invoke_func_fn;
  w->append_output_fn = append_output_fn;
#ifdef LEAK_WORKER
  last_worker = w;
#endif
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

/* Writes what it is given, through the const: append_output_fn's type. */
__attribute__((noinline)) void shout(void *ctx, const char *data, size_t n) {
  (void)ctx;
  for (size_t i = 0; i < n; i++)
    ((char *)data)[i] ^= 0x20;
}
void (*volatile hook)(void *, const char *, size_t) = shout;

__attribute__((noinline)) static void echo(struct worker *w, const char *in, size_t n) {
  w->append_output_fn(w->caller_context, in, n);
}

#ifdef LEAK_WORKER
__attribute__((noinline)) void rewire(void) { last_worker->append_output_fn = shout; }
#endif

const char *kept;

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *out;
  size_t outlen;
#if defined(PASS_ON) || defined(LEAK_WORKER)
  /* to the worker's invoke_func_fn and append_output_fn only */
#ifdef LEAK_WORKER
  rewire();
#endif
  if (w->invoke_func_fn(w->caller_context, "Next", input, len, &out, &outlen) != 0)
    return -1;
  w->append_output_fn(w->caller_context, out, outlen);
  w->append_output_fn(w->caller_context, input, len);
#elif defined(THROUGH_HELPER)
  /* to a function of this library that appends it */
  echo(w, input + 1, len - 1);
#elif defined(TO_LIBC)
  /* compared and measured by functions that read it */
  if (len > 3 && memcmp(input, "GET", 3) == 0)
    w->append_output_fn(w->caller_context, "get", 3);
  out = memchr(input, ' ', len);
  (void)out;
#elif defined(TO_HOOK)
  /* to a function of append_output_fn's type that is not the worker's */
  hook(w->caller_context, input, len);
  w->append_output_fn(w->caller_context, input, len);
#elif defined(SWAPPED)
  /* the worker's field, overwritten by the call itself */
  w->append_output_fn = shout;
  w->append_output_fn(w->caller_context, input, len);
#elif defined(KEPT)
  /* a pointer to it outlives the call */
  kept = input;
  w->append_output_fn(w->caller_context, input, len);
#elif defined(AS_OUTPUT)
  /* given to invoke_func_fn where it writes: the output pointer */
  w->invoke_func_fn(w->caller_context, "Next", "x", 1, (const char **)input, &outlen);
#else
#error "define one variant"
#endif
  (void)out;
  (void)outlen;
  return 0;
}
