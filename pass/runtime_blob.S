/* The runtime (runtime/faasfuse_rt.c compiled by this LLVM's clang) as
 * bitcode, and the fast paths of its precompiled form as bitcode
 * (runtime/precompile_runtime.c; the assembly is faasfuse_rt_pieces.c),
 * embedded so that the plugin is one file. */
#define BLOB(name, file)                                                       \
  .globl name;                                                                 \
  .hidden name;                                                                \
name:                                                                          \
  .incbin file;                                                                \
  .globl name##_end;                                                           \
  .hidden name##_end;                                                          \
name##_end:

  .section .rodata.faasfuse_rt, "a"
  .balign 16
  BLOB(faasfuse_runtime_bitcode, FAASFUSE_RT_BC)
  .balign 16
  BLOB(faasfuse_runtime_inline_bitcode, FAASFUSE_RT_INLINE_BC)
  .section .note.GNU-stack, "", @progbits
