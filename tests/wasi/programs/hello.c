/* The small program of docs/run.md: prints, fails to open a missing file,
 * writes a file, and exits with the status given as its first argument. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("hello\n");
  FILE *missing = fopen("/data/missing.txt", "r");
  if (!missing) perror("missing.txt");
  FILE *out = fopen("/data/greeting.txt", "w");
  if (out) {
    fprintf(out, "hello, %s\n", getenv("NAME") ? getenv("NAME") : "world");
    fclose(out);
  }
  return argc > 1 ? atoi(argv[1]) : 0;
}
