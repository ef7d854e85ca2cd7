/* host_check.c: is the host the LLVM major this plugin was built for? */
#ifndef FAASFUSE_HOST_CHECK_H
#define FAASFUSE_HOST_CHECK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if the host matches; else 0 and a one-line reason in `why`. */
int ff_host_llvm_matches(char *why, size_t whylen);

#ifdef __cplusplus
}
#endif

#endif
