#include <stdio.h>
int main(void) { puts("careeros-worker"); return 0; }
