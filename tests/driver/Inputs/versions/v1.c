/* Version 1 of a static library: libver() says which it is. */
const char *libver(void) { return "v1"; }
