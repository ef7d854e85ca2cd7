/* Bar: answers with the file name of the library its code is in, which a
 * merge changes (Bar.so alone, Foo.so merged): a function whose answer
 * depends on where it is deployed, so that faas-app deploy's check has a
 * difference to find. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#include "../../../Inputs/worker_skeleton.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  Dl_info info;
  (void)input, (void)len;
  if (dladdr((void *)faas_func_call, &info) == 0 || info.dli_fname == NULL)
    return -1;
  const char *name = strrchr(info.dli_fname, '/');
  name = name != NULL ? name + 1 : info.dli_fname;
  w->append_output_fn(w->caller_context, name, strlen(name));
  return 0;
}
