/*
 * Errors and remarks of the pass core. Errors are one line, written into the
 * caller's buffer; remarks go to the host (the C++ shim turns them into
 * LLVM optimization remarks, shown by -pass-remarks=faasfuse).
 */
#include <stdarg.h>
#include <stdio.h>

#include "faasfuse_internal.h"

void ff_error(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (err == NULL || errlen == 0)
    return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  /* One line, whatever a file name or a type printed. */
  for (char *p = err; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
}

void ff_remark(const struct faasfuse_host *host, enum faasfuse_remark_kind kind,
               LLVMValueRef at, const char *name, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  if (host == NULL || host->remark == NULL)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  host->remark(host->opaque, kind, at, name, msg);
}

void ff_quote(char *dst, size_t dstlen, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0, i;
  if (dstlen == 0)
    return;
  for (i = 0; i < len && o + 5 < dstlen; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      dst[o++] = (char)c;
    } else {
      dst[o++] = '\\';
      dst[o++] = 'x';
      dst[o++] = hex[c >> 4];
      dst[o++] = hex[c & 15];
    }
  }
  if (i < len)
    for (int k = 0; k < 3 && o + 1 < dstlen; k++)
      dst[o++] = '.';
  dst[o] = '\0';
}
