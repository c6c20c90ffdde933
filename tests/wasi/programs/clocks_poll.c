/* Clocks, sleeping and poll: values that differ between runs are printed as facts. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec a, b, res;
  printf("realtime: %d\n", clock_gettime(CLOCK_REALTIME, &a));
  printf("realtime after 2020: %d\n", a.tv_sec > 1577836800);
  printf("getres realtime: %d %lld\n", clock_getres(CLOCK_REALTIME, &res), ns(res));
  printf("getres monotonic: %d %lld\n", clock_getres(CLOCK_MONOTONIC, &res), ns(res));
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec d = {0, 20 * 1000 * 1000};
  printf("nanosleep: %d\n", nanosleep(&d, NULL));
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("slept >= 20ms: %d\n", ns(b) - ns(a) >= 20000000LL);
  printf("time() sane: %d\n", time(NULL) > 1577836800);
  struct pollfd fds[2] = {{1, POLLOUT, 0}, {0, POLLIN, 0}};
  int n = poll(fds, 1, 1000);
  printf("poll stdout: %d revents %d\n", n, fds[0].revents);
  clock_gettime(CLOCK_MONOTONIC, &a);
  n = poll(NULL, 0, 15);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("poll timeout: %d waited >= 15ms: %d\n", n, ns(b) - ns(a) >= 15000000LL);
  n = poll(fds, 2, 0);
  printf("poll both: %d out %d in %d\n", n, fds[0].revents, fds[1].revents);
  struct pollfd bad = {42, POLLIN, 0};
  n = poll(&bad, 1, 0);
  printf("poll bad fd: %d %s revents %d\n", n, n < 0 ? strerror(errno) : "-", bad.revents);
  usleep(1000);
  printf("usleep ok\n");
  return 0;
}
