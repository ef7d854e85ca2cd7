/*
 * Nightcore's worker ABI, version 1: the four symbols a function library
 * exports and the two callbacks the runtime hands to each worker.
 * Written from the contract in shared/nightcore-contract.md.
 */
#ifndef FAAS_WORKER_V1_INTERFACE_H
#define FAAS_WORKER_V1_INTERFACE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copies data at once; calls concatenate into the worker's output. */
typedef void (*faas_append_output_fn_t)(void *caller_context,
                                        const char *data, size_t length);

/* Sets *output_data = NULL, *output_length = 0 first; 0 on success, -1 on
 * any failure. The output stays owned by the runtime and valid until the
 * caller's own faas_func_call returns. */
typedef int (*faas_invoke_func_fn_t)(void *caller_context,
                                     const char *func_name,
                                     const char *input_data,
                                     size_t input_length,
                                     const char **output_data,
                                     size_t *output_length);

#define FAAS_EXPORT __attribute__((visibility("default")))

/* All four return 0 on success. */
FAAS_EXPORT int faas_init(void);
FAAS_EXPORT int faas_create_func_worker(void *caller_context,
                                        faas_invoke_func_fn_t invoke_func_fn,
                                        faas_append_output_fn_t append_output_fn,
                                        void **worker_handle);
FAAS_EXPORT int faas_destroy_func_worker(void *worker_handle);
FAAS_EXPORT int faas_func_call(void *worker_handle, const char *input,
                               size_t input_length);

#ifdef __cplusplus
}
#endif

#endif
