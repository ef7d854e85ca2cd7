/*
 * Where a worker keeps what faas_create_func_worker was given, for the whole
 * of every call: the fields of the object create returns through
 * *worker_handle in which it stores its caller_context, invoke_func_fn and
 * append_output_fn. The runtime creates every merged worker with its own
 * functions (and a callee worker with its own context), so a call through
 * such a field is a call of the runtime, as long as no one writes the field
 * in between. That holds when
 *   - create stores the object (a fresh allocation, noalias) nowhere but in
 *     *worker_handle (not even in itself: a pointer loaded from memory is
 *     not one attribute inference follows), and passes it to no function
 *     but memset and free,
 *   - every store into the field stores the parameter, and
 *   - faas_func_call only reads through its worker parameter and keeps no
 *     pointer to it (input_read_only.c proves that part).
 * Read-only.
 */
#include <stdlib.h>
#include <string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

struct store_into {
  long long off, size;
  LLVMValueRef value;
};

/* The stores into the object `obj` that create returns through
 * *worker_handle, or false if it may escape any other way. */
static bool stores_into_object(LLVMValueRef obj, LLVMValueRef handle_out,
                               LLVMTargetDataRef TD, struct store_into **out, size_t *n) {
  struct { LLVMValueRef v; long long off; } work[64];
  size_t nwork = 0, cap = 0;
  work[nwork].v = obj;
  work[nwork++].off = 0;
  for (size_t w = 0; w < nwork; w++) {
    LLVMValueRef V = work[w].v;
    for (LLVMUseRef U = LLVMGetFirstUse(V); U; U = LLVMGetNextUse(U)) {
      LLVMValueRef I = LLVMGetUser(U);
      if (LLVMIsAInstruction(I) == NULL)
        return false;
      LLVMOpcode op = LLVMGetInstructionOpcode(I);
      if (op == LLVMBitCast || op == LLVMAddrSpaceCast || op == LLVMGetElementPtr) {
        long long off = work[w].off;
        if (op == LLVMGetElementPtr) {
          long long d = LLVMGetOperand(I, 0) == V ? ff_gep_offset(I, TD) : -1;
          if (d < 0)
            return false;
          off += d;
        }
        if (nwork == sizeof work / sizeof work[0])
          return false;
        work[nwork].v = I;
        work[nwork++].off = off;
      } else if (op == LLVMStore) {
        LLVMValueRef val = LLVMGetOperand(I, 0), addr = LLVMGetOperand(I, 1);
        if (val == V) { /* the object itself is stored: only as the handle */
          if (ff_strip_casts(addr) != handle_out || work[w].off != 0 || addr == V)
            return false;
          continue;
        }
        if (*n == cap) {
          cap = cap ? cap * 2 : 8;
          *out = ff_xreallocarray(*out, cap, sizeof **out);
        }
        (*out)[*n].off = work[w].off;
        (*out)[*n].size = (long long)LLVMStoreSizeOfType(TD, LLVMTypeOf(val));
        (*out)[(*n)++].value = ff_strip_casts(val);
      } else if (op == LLVMICmp || (op == LLVMLoad && LLVMGetOperand(I, 0) == V)) {
        continue; /* reading it lets it go nowhere */
      } else if (op == LLVMCall) {
        /* Zeroing it (a field left zero is a call of NULL, merged or not),
         * or freeing it on a failure path. */
        LLVMValueRef f = ff_called_function(I);
        size_t len = 0;
        const char *name = f != NULL ? LLVMGetValueName2(f, &len) : "";
        bool is_memset = strncmp(name, "llvm.memset.", 12) == 0 &&
                         LLVMGetOperand(I, 0) == V;
        bool is_free = (strcmp(name, "free") == 0 || strcmp(name, "_ZdlPv") == 0 ||
                        strcmp(name, "_ZdlPvm") == 0) && LLVMGetOperand(I, 0) == V;
        if (!is_memset && !is_free)
          return false;
      } else {
        return false;
      }
    }
  }
  return true;
}

/* The offset at which create stores its parameter `param` in the object,
 * when every store that touches that field stores exactly it; else -1. */
static long long field_of(const struct store_into *s, size_t n, LLVMValueRef param,
                          long long ptr_size) {
  long long off = -1;
  for (size_t i = 0; i < n; i++)
    if (s[i].value == param) {
      if (off >= 0 && s[i].off != off)
        return -1;
      off = s[i].off;
    }
  if (off < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    bool overlaps = s[i].off < off + ptr_size && off < s[i].off + s[i].size;
    if (overlaps && (s[i].value != param || s[i].off != off || s[i].size != ptr_size))
      return -1;
  }
  return off;
}

struct ff_worker_fields ff_find_worker_fields(LLVMValueRef create, LLVMTargetDataRef TD) {
  struct ff_worker_fields f = {-1, -1, -1};
  create = create != NULL ? ff_function_of(create) : NULL;
  if (create == NULL || LLVMIsDeclaration(create) || LLVMCountParams(create) != 4)
    return f;
  LLVMValueRef handle_out = LLVMGetParam(create, 3);
  /* Every store to *worker_handle stores the one fresh object (or null). */
  LLVMValueRef obj = NULL;
  for (LLVMUseRef U = LLVMGetFirstUse(handle_out); U; U = LLVMGetNextUse(U)) {
    LLVMValueRef I = LLVMGetUser(U);
    if (!ff_opcode_is(I, LLVMStore) || LLVMGetOperand(I, 1) != handle_out)
      return f;
    LLVMValueRef v = ff_strip_casts(LLVMGetOperand(I, 0));
    if (LLVMIsAConstantPointerNull(v))
      continue;
    if (obj != NULL && v != obj)
      return f;
    obj = v;
  }
  if (obj == NULL || LLVMIsACallInst(obj) == NULL || !ff_returns_noalias(obj, ff_called_function(obj)))
    return f;
  struct store_into *s = NULL;
  size_t n = 0;
  if (stores_into_object(obj, handle_out, TD, &s, &n)) {
    long long ptr = (long long)LLVMPointerSize(TD);
    f.ctx = field_of(s, n, LLVMGetParam(create, 0), ptr);
    f.invoke = field_of(s, n, LLVMGetParam(create, 1), ptr);
    f.append = field_of(s, n, LLVMGetParam(create, 2), ptr);
  }
  free(s);
  return f;
}

long long ff_loaded_from_worker(LLVMValueRef fp, LLVMValueRef F, int worker,
                                    LLVMTargetDataRef TD) {
  if (worker < 0)
    return -1;
  LLVMValueRef W = LLVMGetParam(F, (unsigned)worker);
  fp = ff_strip_casts(fp);
  if (!ff_opcode_is(fp, LLVMLoad) || LLVMGetVolatile(fp))
    return -1;
  LLVMValueRef P = ff_strip_casts(LLVMGetOperand(fp, 0));
  if (P == W)
    return 0;
  if (ff_opcode_is(P, LLVMGetElementPtr) && ff_strip_casts(LLVMGetOperand(P, 0)) == W)
    return ff_gep_offset(P, TD);
  return -1;
}

enum ff_worker_fn ff_worker_call(LLVMValueRef I, LLVMValueRef F, int worker,
                                 const struct ff_worker_fields *f, LLVMTargetDataRef TD) {
  LLVMValueRef fp = LLVMGetCalledValue(I);
  if (ff_called_function(I) != NULL || LLVMIsAInlineAsm(fp))
    return FF_WORKER_NONE;
  long long from = ff_loaded_from_worker(fp, F, worker, TD);
  LLVMTypeRef FT = LLVMGetCalledFunctionType(I);
  if (from >= 0 && from == f->invoke && ff_has_invoke_type(FT))
    return FF_WORKER_INVOKE;
  if (from >= 0 && from == f->append && ff_has_append_type(FT))
    return FF_WORKER_APPEND;
  return FF_WORKER_NONE;
}
