/* stdin to stdout (upper-cased), stderr, argv, environment, and an exit code. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  printf("GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");
  int c;
  long count = 0;
  while ((c = getchar()) != EOF) { putchar(toupper(c)); count++; }
  fprintf(stderr, "read %ld bytes from stdin\n", count);
  printf("isatty(1)=%d\n", isatty(1));
  fflush(stdout);
  char big[10000];
  memset(big, 'z', sizeof big);
  printf("big write %zd\n", write(1, big, sizeof big));
  return argc > 2 ? atoi(argv[2]) : 0;
}
