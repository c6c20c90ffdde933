/* Files under a preopened directory: create, write, read, append, seek/tell,
 * pread/pwrite, truncate, stat, rename, unlink, and the errors of each. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(const char *what, int rc) {
  if (rc < 0) printf("%s: error %s\n", what, strerror(errno));
  else printf("%s: %d\n", what, rc);
}

int main(void) {
  char buf[256];
  int fd = open("/sandbox/a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  check("open a.txt", fd);
  check("write", (int)write(fd, "hello, files\n", 13));
  check("lseek end", (int)lseek(fd, 0, SEEK_END));
  check("lseek set 7", (int)lseek(fd, 7, SEEK_SET));
  ssize_t n = read(fd, buf, sizeof buf);
  printf("read %d: %.*s", (int)n, (int)n, buf);
  check("pwrite at 0", (int)pwrite(fd, "HELLO", 5, 0));
  n = pread(fd, buf, 5, 0);
  printf("pread %d: %.*s\n", (int)n, (int)n, buf);
  check("lseek cur", (int)lseek(fd, 0, SEEK_CUR));
  check("lseek negative", (int)lseek(fd, -100, SEEK_SET));
  check("ftruncate 9", ftruncate(fd, 9));
  struct stat st;
  check("fstat", fstat(fd, &st));
  printf("size %lld regular %d nlink %d\n", (long long)st.st_size, S_ISREG(st.st_mode), (int)st.st_nlink);
  check("close", close(fd));
  check("close again", close(fd));

  fd = open("/sandbox/a.txt", O_WRONLY | O_APPEND);
  check("open append", fd);
  check("append", (int)write(fd, "++\n", 3));
  check("lseek cur after append", (int)lseek(fd, 0, SEEK_CUR));
  close(fd);

  check("open excl existing", open("/sandbox/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  check("open missing", open("/sandbox/missing.txt", O_RDONLY));
  check("open dir for writing", open("/sandbox/sub", O_WRONLY));
  check("open file as dir", open("/sandbox/a.txt/", O_RDONLY));
  check("open O_DIRECTORY on file", open("/sandbox/a.txt", O_RDONLY | O_DIRECTORY));
  check("read-only write", (int)write(open("/sandbox/data.bin", O_RDONLY), "x", 1));

  FILE *f = fopen("/sandbox/data.bin", "rb");
  size_t total = 0, got;
  unsigned sum = 0;
  while ((got = fread(buf, 1, 100, f)) > 0) { total += got; for (size_t i = 0; i < got; i++) sum += (unsigned char)buf[i]; }
  printf("data.bin: %zu bytes, sum %u\n", total, sum);
  fseek(f, -10, SEEK_END);
  printf("ftell %ld\n", ftell(f));
  fclose(f);

  check("rename", rename("/sandbox/a.txt", "/sandbox/sub/b.txt"));
  check("rename missing", rename("/sandbox/a.txt", "/sandbox/c.txt"));
  check("stat moved", stat("/sandbox/sub/b.txt", &st));
  printf("moved size %lld\n", (long long)st.st_size);
  check("unlink dir", unlink("/sandbox/sub"));
  check("unlink missing", unlink("/sandbox/nope"));
  f = fopen("/sandbox/sub/copy.bin", "wb");
  FILE *g = fopen("/sandbox/data.bin", "rb");
  while ((got = fread(buf, 1, sizeof buf, g)) > 0) fwrite(buf, 1, got, f);
  fclose(f); fclose(g);
  check("unlink data.bin", unlink("/sandbox/data.bin"));
  return 0;
}
