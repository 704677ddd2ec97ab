#include <string.h>

#include "careeros/errors.h"

struct entry {
  const char *name;
  bool retryable;
  const char *desc;
};

static const struct entry catalogue[CW_ERR__COUNT] = {
#define CW_X_ROW(name, retry, desc) {#name, retry, desc},
  CW_ERROR_CATALOGUE(CW_X_ROW)
#undef CW_X_ROW
};

const char *cw_error_name(cw_errcode code) {
  if ((unsigned)code >= CW_ERR__COUNT)
    return "INTERNAL";
  return catalogue[code].name;
}

bool cw_error_retryable(cw_errcode code) {
  if ((unsigned)code >= CW_ERR__COUNT)
    return true;
  return catalogue[code].retryable;
}

const char *cw_error_description(cw_errcode code) {
  if ((unsigned)code >= CW_ERR__COUNT)
    return "";
  return catalogue[code].desc;
}

int cw_error_from_name(const char *name) {
  for (int i = 0; i < CW_ERR__COUNT; i++)
    if (strcmp(catalogue[i].name, name) == 0)
      return i;
  return -1;
}
