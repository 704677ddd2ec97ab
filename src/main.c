/* careeros-worker entry point: global options only; every command lives in
 * the table in cli.c.  Exit codes: see include/careeros/cli.h. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "careeros/alloc.h"
#include "careeros/cli.h"
#include "cw_build.h"

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0},
  };
  cw_cli_ctx ctx = {getenv("CAREEROS_CONFIG"), argv[0]};
  int c;
  /* "+": stop at the command name; the command parses its own options. */
  while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      ctx.config_path = optarg;
      break;
    case 'h':
      cw_cli_usage(stdout);
      return CW_EXIT_OK;
    case 'V':
      printf("careeros-worker %s (malloc: %s)\n", CW_VERSION, cw_allocator());
      return CW_EXIT_OK;
    default:
      cw_cli_usage(stderr);
      return CW_EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "careeros-worker: no command given\n");
    cw_cli_usage(stderr);
    return CW_EXIT_USAGE;
  }
  if (ctx.config_path && !*ctx.config_path)
    ctx.config_path = NULL;
  return cw_cli_dispatch(&ctx, argc - optind, argv + optind);
}
