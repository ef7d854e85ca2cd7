/* One-line messages about JSON values (json_messages.h). */
#include <string.h>

#include "json_messages.h"

const char *json_shown(char out[80], const char *s, size_t len) {
  size_t n = len > 64 ? 64 : len, i;
  for (i = 0; i < n; i++)
    out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
  if (len > n)
    memcpy(out + i, "...", 3), i += 3;
  out[i] = '\0';
  return out;
}

const char *json_type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    return "an object";
  case JSON_ARRAY:
    return "an array";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
    return "an integer";
  case JSON_REAL:
    return "a number with a fraction or exponent";
  case JSON_TRUE:
  case JSON_FALSE:
    return "a boolean";
  default:
    return "null";
  }
}
