/* A library that keeps callbacks and calls them from its destructor, at
 * process exit. Linked with -z nodelete, it is never unloaded: like
 * boost.log's core, it outlives the libraries that registered them. */
#include <stddef.h>

static void (*callbacks[8])(void);
static size_t n;

void exit_registry_add(void (*fn)(void)) {
  if (n < sizeof callbacks / sizeof *callbacks)
    callbacks[n++] = fn;
}

__attribute__((destructor)) static void run_callbacks(void) {
  while (n > 0)
    callbacks[--n]();
}
