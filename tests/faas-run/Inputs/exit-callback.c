/* A function library that leaves a callback into itself with code that
 * outlives it, as boost.log does (its core, in libboost_log.so, holds sinks
 * whose code is in the function library and runs them at exit):
 *  - REGISTRY: with exit-registry.so (linked with -z nodelete: never
 *    unloaded), which calls every registered callback from its destructor;
 *  - ON_EXIT: with libc's on_exit, which, unlike atexit, is not tied to the
 *    library and is not dropped when it is unloaded.
 * Unloading this library before exit makes that call jump into unmapped
 * memory. faas_func_call answers "ok:" and its input. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKER_OWN_INIT /* this file is about its faas_init */
#include "../../Inputs/worker_skeleton.h"

void exit_registry_add(void (*fn)(void));

static const char said[] = "exit callback of the function library ran\n";

static void say(void) { (void)!write(2, said, sizeof said - 1); }
static void say_on_exit(int status, void *arg) { (void)status, (void)arg, say(); }

int faas_init(void) {
#if defined(REGISTRY)
  exit_registry_add(say);
#elif defined(ON_EXIT)
  on_exit(say_on_exit, NULL);
#endif
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  w->append_output_fn(w->caller_context, "ok:", 3);
  w->append_output_fn(w->caller_context, input, len);
  return 0;
}
