/* Directories: mkdir, readdir (in the host's order), rmdir, symlinks,
 * readlink, lstat vs stat, opendir errors. */
#include <dirent.h>
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

static const char *kind(unsigned char t) {
  switch (t) {
    case DT_DIR: return "dir";
    case DT_REG: return "file";
    case DT_LNK: return "symlink";
    default: return "other";
  }
}

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) { printf("opendir %s: error %s\n", path, strerror(errno)); return; }
  struct dirent *e;
  printf("%s:", path);
  while ((e = readdir(d)) != NULL) printf(" %s(%s)", e->d_name, kind(e->d_type));
  printf("\n");
  closedir(d);
}

int main(void) {
  check("mkdir d1", mkdir("/sandbox/d1", 0755));
  check("mkdir d1 again", mkdir("/sandbox/d1", 0755));
  check("mkdir nested missing parent", mkdir("/sandbox/x/y", 0755));
  check("mkdir d1/d2", mkdir("/sandbox/d1/d2", 0755));
  for (int i = 0; i < 40; i++) {
    char name[64];
    snprintf(name, sizeof name, "/sandbox/d1/file-with-a-longish-name-%02d.txt", i);
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    write(fd, name, strlen(name));
    close(fd);
  }
  list("/sandbox");
  list("/sandbox/d1");
  list("/sandbox/missing");
  list("/sandbox/hello.txt");
  check("rmdir non-empty", rmdir("/sandbox/d1"));
  check("rmdir d1/d2", rmdir("/sandbox/d1/d2"));
  check("rmdir file", rmdir("/sandbox/hello.txt"));
  check("symlink", symlink("hello.txt", "/sandbox/link"));
  check("symlink dangling", symlink("nowhere", "/sandbox/dangling"));
  char buf[64];
  ssize_t n = readlink("/sandbox/link", buf, sizeof buf);
  printf("readlink %d: %.*s\n", (int)n, (int)(n > 0 ? n : 0), buf);
  n = readlink("/sandbox/link", buf, 3);
  printf("readlink short %d: %.*s\n", (int)n, (int)(n > 0 ? n : 0), buf);
  check("readlink of a file", (int)readlink("/sandbox/hello.txt", buf, sizeof buf));
  struct stat st;
  check("lstat link", lstat("/sandbox/link", &st));
  printf("lstat: link %d size %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
  check("stat link", stat("/sandbox/link", &st));
  printf("stat: reg %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  check("stat dangling", stat("/sandbox/dangling", &st));
  check("open via link", open("/sandbox/link", O_RDONLY) >= 0 ? 0 : -1);
  check("open link nofollow", open("/sandbox/link", O_RDONLY | O_NOFOLLOW));
  check("unlink link", unlink("/sandbox/link"));
  check("rename dir", rename("/sandbox/d1", "/sandbox/d3"));
  list("/sandbox");
  return 0;
}
