/* The runtime bitcode (runtime/faasfuse_rt.c compiled by this LLVM's clang),
 * embedded so that the plugin is one file. */
  .section .rodata.faasfuse_rt, "a"
  .balign 16
  .globl faasfuse_runtime_bitcode
  .hidden faasfuse_runtime_bitcode
faasfuse_runtime_bitcode:
  .incbin FAASFUSE_RT_BC
  .globl faasfuse_runtime_bitcode_end
  .hidden faasfuse_runtime_bitcode_end
faasfuse_runtime_bitcode_end:
  .section .note.GNU-stack, "", @progbits
