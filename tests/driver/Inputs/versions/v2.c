/* Version 2 of the same library: the same symbol, another answer. */
const char *libver(void) { return "v2"; }
