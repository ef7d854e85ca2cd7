/* Compiles, but is no Nightcore function: no faas_func_call. */
int helper(int x) { return x + 1; }
