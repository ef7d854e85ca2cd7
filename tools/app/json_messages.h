/*
 * How the JSON files of an application (the manifest, a deployment's
 * func_config.json) name what is wrong in one-line messages: a value
 * quoted safely, and the kind of a value ("expected an integer, got a
 * string").
 */
#ifndef FAASFUSE_APP_JSON_MESSAGES_H
#define FAASFUSE_APP_JSON_MESSAGES_H

#include <stddef.h>

#include <jansson.h>

/* The len bytes at s for a message: control characters as '?', at most 64
 * bytes, then "...". Returns out. */
const char *json_shown(char out[80], const char *s, size_t len);

/* "an object", "an array", "a string", "an integer", "a number with a
 * fraction or exponent", "a boolean" or "null". */
const char *json_type_name(const json_t *v);

#endif
