/*
 * The runtime precompiled for the host the plugin was built on, in pieces
 * of assembly, one per function or variable, generated at build time by
 * runtime/precompile_runtime.c; link_runtime.c adds the pieces a fused
 * module uses.
 */
#ifndef FAASFUSE_PRECOMPILED_RUNTIME_H
#define FAASFUSE_PRECOMPILED_RUNTIME_H

#include <stddef.h>

struct ff_rt_piece {
  const char *name;          /* the symbol it defines */
  const unsigned short *deps; /* indices of the pieces it refers to */
  unsigned ndeps;
  const char *text;
  size_t len;
};

extern const char ff_rt_triple[]; /* the target the pieces are for */
extern const char ff_rt_data_layout[];
extern const struct ff_rt_piece ff_rt_pieces[];
extern const unsigned ff_rt_npieces;

#endif
