/*
 * What a Nightcore function library is, as the pass reads it: its four
 * exported functions (names, types, where a module defines them) and the
 * rule for function names. Every stage asks here; this file asks no one.
 */
#include <stdio.h>
#include <string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

int faasfuse_check_name(const char *name, size_t len, char *err, size_t errlen) {
  char q[96];
  switch (faasfuse_judge_name(name, len)) {
  case FAASFUSE_NAME_OK:
    return 0;
  case FAASFUSE_NAME_EMPTY:
    ff_error(err, errlen, "empty function name (names match [0-9A-Za-z]+)");
    return -1;
  case FAASFUSE_NAME_TOO_LONG:
    ff_error(err, errlen, "function name longer than %d characters", FAASFUSE_NAME_MAX);
    return -1;
  case FAASFUSE_NAME_BAD_CHAR:
    break;
  }
  ff_quote(q, sizeof q, name, len);
  ff_error(err, errlen, "bad function name '%s' (names match [0-9A-Za-z]+)", q);
  return -1;
}

const char *const ff_abi_names[FF_NABI] = {
    "faas_init", "faas_create_func_worker", "faas_destroy_func_worker",
    "faas_func_call"};

/* Expected shapes: return i32; parameters as (p)ointer or (i)nteger. */
static const char *const abi_params[FF_NABI] = {"", "pppp", "p", "ppi"};
static const char *const abi_expected[FF_NABI] = {
    "i32 ()", "i32 (ptr, ptr, ptr, ptr)", "i32 (ptr)", "i32 (ptr, ptr, i64)"};

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

bool ff_has_invoke_type(LLVMTypeRef FT) {
  LLVMTypeRef P[6];
  if (LLVMCountParamTypes(FT) != 6 || !ff_is_int(LLVMGetReturnType(FT), 32))
    return false;
  LLVMGetParamTypes(FT, P);
  bool len_ok = ff_is_int(P[3], 64) || (LLVMIsFunctionVarArg(FT) && ff_is_int(P[3], 32));
  return ff_is_ptr(P[0]) && ff_is_ptr(P[1]) && ff_is_ptr(P[2]) && len_ok &&
         ff_is_ptr(P[4]) && ff_is_ptr(P[5]);
}

bool ff_has_append_type(LLVMTypeRef FT) {
  LLVMTypeRef P[3];
  if (LLVMGetTypeKind(LLVMGetReturnType(FT)) != LLVMVoidTypeKind ||
      LLVMIsFunctionVarArg(FT) || LLVMCountParamTypes(FT) != 3)
    return false;
  LLVMGetParamTypes(FT, P);
  return ff_is_ptr(P[0]) && ff_is_ptr(P[1]) && ff_is_int(P[2], 64);
}
