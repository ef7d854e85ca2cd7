/* Does not compile: two errors, so faas-merge reports the first and counts. */
int faas_func_call(void *w, const char *in, unsigned long n) {
  return undeclared_one + undeclared_two;
}
