/*
 * The rule for a Nightcore function name in faasfuse: [0-9A-Za-z]+ (as
 * Nightcore's func_config.json checks it) and at most FAASFUSE_NAME_MAX
 * characters (a name becomes part of symbol and file names). LLVM-free, so
 * that the tools (faas-run, faas-app and the application manifest) check
 * names as the pass does (pass/nightcore_abi.c, faasfuse_check_name); each
 * caller words its own message.
 */
#ifndef FAASFUSE_FUNCTION_NAME_H
#define FAASFUSE_FUNCTION_NAME_H

#include <stddef.h>

#define FAASFUSE_NAME_MAX 255
/* The characters of a name, as a bracket expression (faas-merge reads it). */
#define FAASFUSE_NAME_CLASS "[0-9A-Za-z]"

enum faasfuse_name_verdict {
  FAASFUSE_NAME_OK,
  FAASFUSE_NAME_EMPTY,
  FAASFUSE_NAME_TOO_LONG, /* more than FAASFUSE_NAME_MAX characters */
  FAASFUSE_NAME_BAD_CHAR, /* a character outside [0-9A-Za-z] */
};

/* Judges the len bytes at name, in the pass's order: empty, too long, a bad
 * character (a NUL among them is one). */
static inline enum faasfuse_name_verdict faasfuse_judge_name(const char *name,
                                                             size_t len) {
  if (len == 0)
    return FAASFUSE_NAME_EMPTY;
  if (len > FAASFUSE_NAME_MAX)
    return FAASFUSE_NAME_TOO_LONG;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
          (c >= 'a' && c <= 'z')))
      return FAASFUSE_NAME_BAD_CHAR;
  }
  return FAASFUSE_NAME_OK;
}

#endif
