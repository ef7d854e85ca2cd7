/*
 * The faasfuse pass core's entry points: C over LLVM-C, driven by
 * plugin_shim.cpp. Internal to the plugin (which exports only
 * llvmGetPassPluginInfo) and not installed: the plugin's interface is its
 * passes and their parameters.
 *
 *   faasfuse_prepare_callee()  what `opt -passes='faasfuse-callee<Bar>'` does
 *   faasfuse_fuse_module()     what `opt -passes='faasfuse<...>'` does
 *
 * Both return 0 on success; on failure they write one line to `err` (no
 * newline) and return -1, leaving the module unchanged where they can
 * (checks come before changes).
 */
#ifndef FAASFUSE_FAASFUSE_H
#define FAASFUSE_FAASFUSE_H

#include <stdbool.h>
#include <stddef.h>

#include <llvm-c/Core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The function-name rule (FAASFUSE_NAME_MAX, faasfuse_judge_name), one
 * definition for the pass, the tools and (its maximum) faas-merge. */
#include "faasfuse/function_name.h"

enum faasfuse_remark_kind {
  FAASFUSE_REMARK_PASSED, /* a call site fused (-pass-remarks=faasfuse) */
  FAASFUSE_REMARK_MISSED, /* a call site left as an RPC (-pass-remarks-missed) */
  FAASFUSE_REMARK_ANALYSIS,
  FAASFUSE_REMARK_WARNING /* a merge that may answer otherwise: always shown */
};

/* What the host provides: where remarks go. `at` is an instruction or a
 * function; `name` a short CamelCase remark name. remarks_on, when set,
 * says whether any remark at `at` would be shown or recorded: when not,
 * the core neither formats remarks nor gathers what they say (warnings
 * are always sent). */
struct faasfuse_host {
  void (*remark)(void *opaque, enum faasfuse_remark_kind kind, LLVMValueRef at,
                 const char *name, const char *message);
  void *opaque;
  bool (*remarks_on)(void *opaque, LLVMValueRef at);
};

struct faasfuse_link {
  char name[FAASFUSE_NAME_MAX + 1];
  char *path;
};

/* How a fused module carries the runtime (link_runtime.c says why). */
enum faasfuse_runtime {
  FAASFUSE_RUNTIME_AUTO,        /* precompiled where it fits, IR elsewhere */
  FAASFUSE_RUNTIME_IR,          /* runtime=ir */
  FAASFUSE_RUNTIME_PRECOMPILED, /* runtime=precompiled: an error where it cannot */
};

struct faasfuse_options {
  char entry_name[FAASFUSE_NAME_MAX + 1]; /* "" when not given */
  struct faasfuse_link *links;
  size_t nlinks;
  bool no_dynamic;
  enum faasfuse_runtime runtime;
};

/* Parses `entry=NAME;link=NAME:PATH;no-dynamic;runtime=ir|precompiled` (any
 * order, any subset). */
int faasfuse_parse_options(const char *params, struct faasfuse_options *opts,
                           char *err, size_t errlen);
void faasfuse_free_options(struct faasfuse_options *opts);

/* Out of memory is the core's one fatal error: `handler` reports `msg` (one
 * line) and does not return. Without one, the core prints it and exits 1. */
void faasfuse_set_fatal_handler(void (*handler)(const char *msg));

/* 0 if `name` is a valid Nightcore function name ([0-9A-Za-z]+). */
int faasfuse_check_name(const char *name, size_t len, char *err, size_t errlen);

int faasfuse_prepare_callee(LLVMModuleRef M, const char *name, char *err,
                            size_t errlen);
/* What `opt -passes='faasfuse-callgraph<NAME>'` prints: the module's
 * functions and the names their invoke_func_fn sites pass, as JSON
 * (print_call_graph.c says the format). `name` names the module's own
 * function, or is NULL. Returns malloc'd text; changes nothing. */
char *faasfuse_print_call_graph(LLVMModuleRef M, const char *name);
int faasfuse_fuse_module(LLVMModuleRef M, const struct faasfuse_options *opts,
                         const struct faasfuse_host *host, char *err,
                         size_t errlen);

/*
 * The routes of ordinary builds, which the plugin takes by itself when
 * loaded by clang -fpass-plugin (per object) or ld.lld --load-pass-plugin
 * (LTO):
 *   faasfuse_fuse_object()  one translation unit: with `callee_name`, a
 *       callee (prepared, registered for dispatch); else the entry or a
 *       helper file of it. Call sites name callees through hidden weak
 *       references, so a callee object linked in is called directly and a
 *       missing one leaves the RPC. The runtime is linked in as shared
 *       (linkonce_odr, hidden) definitions: several objects hold one copy.
 *       A module with nothing of Nightcore in it is left alone.
 *   faasfuse_fuse_lto()     the LTO module: the same as faasfuse_fuse_module
 *       when the entry was compiled without the plugin; else nothing.
 */
int faasfuse_fuse_object(LLVMModuleRef M, const char *callee_name,
                         const struct faasfuse_host *host, char *err,
                         size_t errlen);
int faasfuse_fuse_lto(LLVMModuleRef M, const struct faasfuse_host *host,
                      char *err, size_t errlen);
/* Last in the optimizer's pipeline (any pipeline the plugin is loaded
 * into): a fused module's precompiled runtime cut down to what the
 * optimized code still calls. Returns 1 if the module changed, else 0
 * (any module the pass did not fuse with the precompiled runtime). */
int faasfuse_trim_runtime(LLVMModuleRef M);

#ifdef __cplusplus
}
#endif

#endif
