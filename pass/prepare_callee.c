/*
 * faasfuse-callee<NAME>: turns a Nightcore function's module into one that
 * can be linked into a caller.
 *
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse-callee<Bar>' bar.bc -o bar.callee.bc
 *
 * - renames the four ABI functions to __faasfuse.NAME.faas_* (internal), so
 *   the caller's own faas_* stay the library's exports;
 * - gives every other external definition internal linkage, so nothing
 *   clashes with the caller or another callee; so do linkonce_odr and
 *   weak_odr ones (C++ inline functions, templates, vtables, the statics of
 *   inline functions): apart, each function had its own, with its own state
 *   and its own idea of a class that another function defines otherwise.
 *   Identical copies without state of their own can still be folded into
 *   one afterwards (the mergefunc pass, which faas-merge runs);
 * - emits the descriptor __faasfuse_desc_NAME and the wrapper
 *   int __faasfuse_callee_NAME(ctx, in, len, &out, &outlen), which runs the
 *   callee through the runtime and hands back its output in malloc'd memory;
 * - records {NAME, wrapper, descriptor} in !faasfuse.callees, which
 *   llvm-link concatenates, so `faasfuse` finds every callee after linking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <llvm-c/Comdat.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

const char *const ff_abi_names[FF_NABI] = {
    "faas_init", "faas_create_func_worker", "faas_destroy_func_worker",
    "faas_func_call"};

/* Expected shapes: return i32; parameters as (p)ointer or (i)nteger. */
static const char *const abi_params[FF_NABI] = {"", "pppp", "p", "ppi"};
static const char *const abi_expected[FF_NABI] = {
    "i32 ()", "i32 (ptr, ptr, ptr, ptr)", "i32 (ptr)", "i32 (ptr, ptr, i64)"};

LLVMTypeRef ff_i8p(LLVMModuleRef M) {
  return ff_byte_ptr_type(LLVMGetModuleContext(M));
}

static bool abi_type_ok(LLVMTypeRef FT, const char *params) {
  size_t n = strlen(params);
  LLVMTypeRef P[8];
  if (!ff_is_int(LLVMGetReturnType(FT), 32) || LLVMIsFunctionVarArg(FT) ||
      LLVMCountParamTypes(FT) != n)
    return false;
  LLVMGetParamTypes(FT, P);
  for (size_t i = 0; i < n; i++) {
    if (params[i] == 'p' && LLVMGetTypeKind(P[i]) != LLVMPointerTypeKind)
      return false;
    if (params[i] == 'i' && !ff_is_int(P[i], 64))
      return false;
  }
  return true;
}

static bool is_exported_linkage(LLVMLinkage L) {
  return L == LLVMExternalLinkage || L == LLVMWeakAnyLinkage ||
         L == LLVMWeakODRLinkage;
}

/* The module's definition of the ABI symbol `name`: a function, an alias of
 * one, or an ifunc, under its own name or the "\01" form of an asm label
 * (the name the object file gets either way). NULL if it declares it only. */
LLVMValueRef ff_abi_definition(LLVMModuleRef M, const char *name) {
  char label[64];
  const char *forms[2] = {name, label};
  snprintf(label, sizeof label, "\001%s", name);
  for (int i = 0; i < 2; i++) {
    size_t len = strlen(forms[i]);
    LLVMValueRef V = LLVMGetNamedFunction(M, forms[i]);
    if (V == NULL)
      V = LLVMGetNamedGlobalAlias(M, forms[i], len);
    if (V == NULL)
      V = LLVMGetNamedGlobalIFunc(M, forms[i], len);
    if (V != NULL && !LLVMIsDeclaration(V))
      return V;
  }
  return NULL;
}

/* An alias of something that is not a function (a variable, a constant
 * expression of one) cannot be called. */
static bool is_function_value(LLVMValueRef V) {
  if (LLVMIsAGlobalAlias(V) != NULL) {
    LLVMValueRef target = LLVMAliasGetAliasee(V);
    while (target != NULL && LLVMIsAConstantExpr(target) != NULL)
      target = LLVMGetOperand(target, 0);
    return target != NULL &&
           (LLVMIsAFunction(target) != NULL || LLVMIsAGlobalIFunc(target) != NULL ||
            (LLVMIsAGlobalAlias(target) != NULL && is_function_value(target)));
  }
  return LLVMGetTypeKind(LLVMGlobalGetValueType(V)) == LLVMFunctionTypeKind;
}

int ff_find_abi(LLVMModuleRef M, LLVMValueRef fns[FF_NABI], char *err,
                size_t errlen) {
  for (int i = 0; i < FF_NABI; i++) {
    LLVMValueRef G = LLVMGetNamedGlobal(M, ff_abi_names[i]);
    LLVMValueRef F = ff_abi_definition(M, ff_abi_names[i]);
    fns[i] = NULL;
    if (G != NULL && !LLVMIsDeclaration(G)) {
      ff_error(err, errlen, "%s is a variable, not a function", ff_abi_names[i]);
      return -1;
    }
    if (F == NULL || !is_exported_linkage(LLVMGetLinkage(F)))
      continue;
    if (!is_function_value(F)) {
      ff_error(err, errlen, "%s is an alias of a variable, not a function",
               ff_abi_names[i]);
      return -1;
    }
    LLVMTypeRef FT = LLVMGlobalGetValueType(F);
    if (LLVMGetTypeKind(FT) != LLVMFunctionTypeKind ||
        !abi_type_ok(FT, abi_params[i])) {
      char *got = LLVMPrintTypeToString(FT);
      ff_error(err, errlen, "%s has type '%s', expected '%s'", ff_abi_names[i],
               got, abi_expected[i]);
      LLVMDisposeMessage(got);
      return -1;
    }
    fns[i] = F;
  }
  if (fns[FF_CALL] == NULL) {
    ff_error(err, errlen, "the module defines no faas_func_call: not a Nightcore function");
    return -1;
  }
  return 0;
}

static void make_internal(LLVMValueRef G) {
  LLVMSetLinkage(G, LLVMInternalLinkage);
  LLVMSetVisibility(G, LLVMDefaultVisibility);
  LLVMSetDLLStorageClass(G, LLVMDefaultStorageClass);
  /* A local symbol cannot key a comdat shared with other modules. Only
   * functions and variables have one: LLVM-C casts without checking. */
  if ((LLVMIsAFunction(G) != NULL || LLVMIsAGlobalVariable(G) != NULL) &&
      LLVMGetComdat(G) != NULL)
    LLVMSetComdat(G, NULL);
}

/* Every definition another module could bind to becomes the callee's own:
 * strong, interposable and ODR ones alike. */
static void internalize_definition(LLVMValueRef G) {
  size_t len;
  const char *name = LLVMGetValueName2(G, &len);
  if (LLVMIsDeclaration(G) || strncmp(name, "llvm.", 5) == 0)
    return;
  switch (LLVMGetLinkage(G)) {
  case LLVMExternalLinkage:
  case LLVMWeakAnyLinkage:
  case LLVMLinkOnceAnyLinkage:
  case LLVMWeakODRLinkage:
  case LLVMLinkOnceODRLinkage:
  case LLVMCommonLinkage:
    make_internal(G);
    break;
  default:
    break;
  }
}

LLVMValueRef ff_get_or_declare(LLVMModuleRef M, const char *name, LLVMTypeRef FT) {
  LLVMValueRef F = LLVMGetNamedFunction(M, name);
  return F != NULL ? F : LLVMAddFunction(M, name, FT);
}

LLVMValueRef ff_build_call(LLVMBuilderRef B, LLVMValueRef F, LLVMValueRef *args,
                           unsigned n) {
  LLVMTypeRef FT = LLVMGlobalGetValueType(F);
  LLVMTypeRef P[16];
  LLVMGetParamTypes(FT, P);
  for (unsigned i = 0; i < n; i++)
    if (LLVMTypeOf(args[i]) != P[i])
      args[i] = LLVMBuildPointerCast(B, args[i], P[i], "");
  return LLVMBuildCall2(B, FT, F, args, n, "");
}

/* int __faasfuse_callee_NAME(ctx, in, len, &out, &outlen): the runtime's
 * merged call on the descriptor. */
LLVMValueRef ff_emit_wrapper(LLVMModuleRef M, const char *name, LLVMValueRef desc) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i32 = LLVMInt32TypeInContext(C),
              i64 = LLVMInt64TypeInContext(C);
  char sym[FAASFUSE_NAME_MAX + 64];
  LLVMTypeRef wparams[5] = {i8p, i8p, i64, ff_ptr_to(i8p), ff_ptr_to(i64)};
  LLVMTypeRef WT = LLVMFunctionType(i32, wparams, 5, 0);
  snprintf(sym, sizeof sym, FF_WRAPPER_PREFIX "%s", name);
  LLVMValueRef W = LLVMAddFunction(M, sym, WT);
  LLVMSetLinkage(W, LLVMExternalLinkage);
  LLVMSetVisibility(W, LLVMHiddenVisibility);
  LLVMTypeRef cparams[6] = {i8p, i8p, i8p, i64, ff_ptr_to(i8p), ff_ptr_to(i64)};
  LLVMValueRef rt_call =
      ff_get_or_declare(M, FAASFUSE_RT_CALL, LLVMFunctionType(i32, cparams, 6, 0));
  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(C, W, "entry"));
  LLVMValueRef args[6] = {ff_const_ptr_cast(desc, i8p), LLVMGetParam(W, 0),
                          LLVMGetParam(W, 1), LLVMGetParam(W, 2),
                          LLVMGetParam(W, 3), LLVMGetParam(W, 4)};
  LLVMValueRef r = ff_build_call(B, rt_call, args, 6);
  LLVMBuildRet(B, r);
  LLVMDisposeBuilder(B);
  return W;
}

LLVMValueRef ff_function_of(LLVMValueRef V) {
  for (int depth = 0; V != NULL && depth < 16; depth++) {
    if (LLVMIsAFunction(V) != NULL)
      return V;
    if (LLVMIsAGlobalAlias(V) != NULL)
      V = LLVMAliasGetAliasee(V);
    else if (LLVMIsAConstantExpr(V) != NULL)
      V = LLVMGetOperand(V, 0);
    else
      return NULL;
  }
  return NULL;
}

uint64_t ff_callee_flags(LLVMValueRef call) {
  /* Nightcore hands a callee its own copy of the input; a merged callee
   * gets the caller's bytes unless it is known not to write them: its
   * faas_func_call's input parameter is readonly or readnone (as attribute
   * inference at -O1 and above finds for most callees). */
  LLVMValueRef F = ff_function_of(call);
  static const char *const proofs[2] = {"readonly", "readnone"};
  for (int i = 0; F != NULL && i < 2; i++) {
    unsigned kind = LLVMGetEnumAttributeKindForName(proofs[i], strlen(proofs[i]));
    if (LLVMGetEnumAttributeAtIndex(F, 2, kind) != NULL) /* index 2: parameter 1 */
      return 0;
  }
  return FAASFUSE_CALLEE_COPY_INPUT;
}

void ff_emit_callee(LLVMModuleRef M, const char *name, LLVMValueRef fns[FF_NABI],
                    uint64_t flags, LLVMValueRef *wrapper_out, LLVMValueRef *desc_out) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i32 = LLVMInt32TypeInContext(C);
  char sym[FAASFUSE_NAME_MAX + 64];
  size_t nlen = strlen(name);

  /* The name as a C string the runtime can print and compare. */
  snprintf(sym, sizeof sym, "__faasfuse_name_%s", *name ? name : FF_ENTRY_TAG);
  LLVMValueRef str = LLVMConstStringInContext(C, name, (unsigned)nlen, 0);
  LLVMValueRef gstr = LLVMAddGlobal(M, LLVMTypeOf(str), sym);
  LLVMSetInitializer(gstr, str);
  LLVMSetGlobalConstant(gstr, 1);
  LLVMSetLinkage(gstr, LLVMPrivateLinkage);
  LLVMSetUnnamedAddr(gstr, 1);

  /* struct faasfuse_callee_state: what the runtime writes. */
  LLVMTypeRef state_fields[2] = {i32, i32};
  LLVMTypeRef ST = LLVMStructTypeInContext(C, state_fields, 2, 0);
  snprintf(sym, sizeof sym, "__faasfuse_state_%s", *name ? name : FF_ENTRY_TAG);
  LLVMValueRef state = LLVMAddGlobal(M, ST, sym);
  LLVMSetInitializer(state, LLVMConstNull(ST));
  LLVMSetLinkage(state, LLVMInternalLinkage);
  LLVMSetAlignment(state, 8);

  /* struct faasfuse_callee (include/faasfuse/runtime.h), field by field: a
   * constant, so that inlined runtime code calls the callee directly. */
  LLVMTypeRef i64 = LLVMInt64TypeInContext(C);
  LLVMTypeRef fields[7] = {i8p, i8p, i8p, i8p, i8p, i8p, i64};
  LLVMTypeRef DT = LLVMStructTypeInContext(C, fields, 7, 0);
  LLVMValueRef init[7];
  init[0] = ff_const_ptr_cast(gstr, i8p);
  for (int i = 0; i < FF_NABI; i++)
    init[1 + i] = fns[i] ? ff_const_ptr_cast(fns[i], i8p) : LLVMConstNull(i8p);
  init[5] = ff_const_ptr_cast(state, i8p);
  init[6] = LLVMConstInt(i64, flags, 0);
  snprintf(sym, sizeof sym, FF_DESC_PREFIX "%s", *name ? name : FF_ENTRY_TAG);
  LLVMValueRef desc = LLVMAddGlobal(M, DT, sym);
  LLVMSetInitializer(desc, LLVMConstStructInContext(C, init, 7, 0));
  LLVMSetGlobalConstant(desc, 1);
  LLVMSetLinkage(desc, LLVMInternalLinkage);
  LLVMSetAlignment(desc, 8);
  *desc_out = desc;
  *wrapper_out = NULL;
  if (*name == '\0')
    return; /* an unnamed entry cannot be called by name */

  LLVMValueRef W = ff_emit_wrapper(M, name, desc);
  *wrapper_out = W;

  LLVMMetadataRef ops[3] = {LLVMMDStringInContext2(C, name, nlen),
                            LLVMValueAsMetadata(W), LLVMValueAsMetadata(desc)};
  LLVMAddNamedMetadataOperand(
      M, FF_CALLEES_MD, LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, ops, 3)));
}

int faasfuse_prepare_callee(LLVMModuleRef M, const char *name, char *err,
                            size_t errlen) {
  LLVMValueRef fns[FF_NABI];
  char msg[512];

  if (faasfuse_check_name(name, strlen(name), msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse-callee: %s", msg);
    return -1;
  }
  if (LLVMGetNamedMetadataNumOperands(M, FF_CALLEES_MD) > 0 ||
      LLVMGetNamedMetadataNumOperands(M, FF_FUSED_MD) > 0) {
    ff_error(err, errlen,
             "faasfuse-callee<%s>: the module is already prepared or fused "
             "(it has !%s)", name,
             LLVMGetNamedMetadataNumOperands(M, FF_FUSED_MD) > 0 ? FF_FUSED_MD
                                                                 : FF_CALLEES_MD);
    return -1;
  }
  if (ff_find_abi(M, fns, msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse-callee<%s>: %s", name, msg);
    return -1;
  }
  /* Nightcore's launcher loads a library only if it defines all four: a
   * callee without one could not have run on its own. */
  for (int i = 0; i < FF_NABI; i++)
    if (fns[i] == NULL) {
      ff_error(err, errlen,
               "faasfuse-callee<%s>: the module defines no %s (Nightcore loads a "
               "function only if it defines faas_init, faas_create_func_worker, "
               "faas_destroy_func_worker and faas_func_call)", name, ff_abi_names[i]);
      return -1;
    }

  LLVMValueRef wrapper, desc;
  ff_prepare_checked(M, name, fns, &wrapper, &desc);
  return 0;
}

void ff_prepare_checked(LLVMModuleRef M, const char *name, LLVMValueRef fns[FF_NABI],
                        LLVMValueRef *wrapper, LLVMValueRef *desc) {
  for (int i = 0; i < FF_NABI; i++) {
    char sym[FAASFUSE_NAME_MAX + 64];
    if (fns[i] == NULL)
      continue;
    snprintf(sym, sizeof sym, "__faasfuse.%s.%s", name, ff_abi_names[i]);
    LLVMSetValueName2(fns[i], sym, strlen(sym));
    make_internal(fns[i]);
  }
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    internalize_definition(F);
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = LLVMGetNextGlobal(G))
    internalize_definition(G);
  for (LLVMValueRef A = LLVMGetFirstGlobalAlias(M); A; A = LLVMGetNextGlobalAlias(A))
    internalize_definition(A);
  for (LLVMValueRef I = LLVMGetFirstGlobalIFunc(M); I; I = LLVMGetNextGlobalIFunc(I))
    internalize_definition(I);
  LLVMValueRef run[FF_NABI];
  memcpy(run, fns, sizeof run);
  uint64_t flags = ff_callee_flags(fns[FF_CALL]); /* before the guards hide it */
  ff_guard_exceptions(M, name, run);
  ff_emit_callee(M, name, run, flags, wrapper, desc);
}

/* Appends V to @llvm.used or @llvm.compiler.used, which LLVM-C cannot edit
 * in place. */
static void add_used(LLVMModuleRef M, const char *list, LLVMValueRef V) {
  LLVMTypeRef i8p = ff_i8p(M);
  char tmp[64];
  LLVMValueRef old = LLVMGetNamedGlobal(M, list);
  LLVMValueRef init = old != NULL ? LLVMGetInitializer(old) : NULL;
  unsigned n = init != NULL ? LLVMGetArrayLength(LLVMTypeOf(init)) : 0;
  LLVMValueRef *elems = reallocarray(NULL, n + 1, sizeof *elems);
  if (elems == NULL)
    abort(); /* out of memory inside LLVM: nothing sane to do */
  for (unsigned i = 0; i < n; i++)
    elems[i] = LLVMGetOperand(init, i);
  elems[n++] = ff_const_ptr_cast(V, i8p);
  LLVMValueRef arr = LLVMConstArray(i8p, elems, n);
  free(elems);
  snprintf(tmp, sizeof tmp, "%s.new", list);
  LLVMValueRef G = LLVMAddGlobal(M, LLVMTypeOf(arr), tmp);
  LLVMSetInitializer(G, arr);
  LLVMSetLinkage(G, LLVMAppendingLinkage);
  LLVMSetSection(G, "llvm.metadata");
  if (old != NULL)
    LLVMDeleteGlobal(old);
  LLVMSetValueName2(G, list, strlen(list));
}

/* The registry entry is in @llvm.used, not just @llvm.compiler.used: on ELF
 * that marks its section SHF_GNU_RETAIN, which keeps it through every
 * linker's --gc-sections (lld does not count the runtime's __start_/__stop_
 * references as uses). */
void ff_register_descriptor(LLVMModuleRef M, LLVMValueRef desc) {
  LLVMTypeRef i8p = ff_i8p(M);
  size_t len;
  const char *dname = LLVMGetValueName2(desc, &len);
  char sym[FAASFUSE_NAME_MAX + 64];
  snprintf(sym, sizeof sym, "__faasfuse_reg.%.*s", (int)len, dname);
  LLVMValueRef G = LLVMAddGlobal(M, i8p, sym);
  LLVMSetInitializer(G, ff_const_ptr_cast(desc, i8p));
  LLVMSetGlobalConstant(G, 1);
  LLVMSetLinkage(G, LLVMInternalLinkage);
  LLVMSetSection(G, FF_REGISTRY_SECTION);
  LLVMSetAlignment(G, 8);
  add_used(M, "llvm.used", G);
}
