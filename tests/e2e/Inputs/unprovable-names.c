/* Foo calling Bar by names whose bytes the pass cannot prove constant (or
 * does not read): a writable array, a row of a 2-D array, a struct and a
 * union member, an array defined in another file (extern), a weak array
 * another definition could replace, a constant struct. Each must reach
 * Bar, merged or not. With -DOTHER_FILE: the file that defines ext_name. */
#include <stdint.h>

#ifdef OTHER_FILE
char ext_name[] = "Bar";
#else
#include "../../Inputs/worker_skeleton.h"

char wname[] = "Bar";
char names[][8] = {"Nope", "Bar"};
struct S { int x; char n[8]; } s = {1, "Bar"};
union U { char n[8]; long l; } u = {"Bar"};
extern char ext_name[];
__attribute__((weak)) const char weak_name[] = "Bar";
static const struct { int tag; char n[4]; } cs = {7, "Bar"};

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *const forms[] = {wname, names[1], s.n, u.n, ext_name, weak_name, cs.n};
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    const char *out;
    size_t outlen;
    if (w->invoke_func_fn(w->caller_context, forms[i], input, len, &out, &outlen) != 0)
      return (int)i + 1;
    w->append_output_fn(w->caller_context, out, outlen);
    w->append_output_fn(w->caller_context, ";", 1);
  }
  return 0;
}
#endif
