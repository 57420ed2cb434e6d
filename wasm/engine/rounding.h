/* See rounding.c. Included into quickjs.c in place of <fenv.h>'s rounding modes. */
#ifndef HANGAR_ROUNDING_H
#define HANGAR_ROUNDING_H
#include <stddef.h>
#define HANGAR_FE_TONEAREST 0
#define HANGAR_FE_DOWNWARD 1
#define HANGAR_FE_UPWARD 2
int hangar_fesetround(int rounding);
int hangar_snprintf(char *out, size_t size, const char *format, ...);
#endif
