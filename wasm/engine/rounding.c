/* Directed rounding for QuickJS's number formatting on wasm, which only has round-to-nearest:
   QuickJS prints a tie with FE_UPWARD/FE_DOWNWARD to round it away from zero (as JS requires
   for toFixed, toPrecision and toExponential). Here the rounding mode is a variable, and the
   two printf formats QuickJS uses are rounded from the exact decimal expansion instead. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "rounding.h"

static int mode = HANGAR_FE_TONEAREST;

int hangar_fesetround(int rounding) {
  mode = rounding;
  return 0;
}

/* Exact digits: a double has at most 1074 fractional binary digits, so 1100 decimal digits. */
#define EXACT 1100

/* Adds one unit in the last place of the digit string digits[0..len); returns 1 on overflow. */
static int increment(char *digits, int len) {
  for (int i = len - 1; i >= 0; i--) {
    if (digits[i] == '.') continue;
    if (digits[i] != '9') {
      digits[i]++;
      return 0;
    }
    digits[i] = '0';
  }
  return 1;
}

static int rounds_away(int negative, const char *rest) {
  if (!((mode == HANGAR_FE_UPWARD && !negative) || (mode == HANGAR_FE_DOWNWARD && negative))) return 0;
  for (; *rest && *rest != 'e'; rest++)
    if (*rest >= '1' && *rest <= '9') return 1;
  return 0;
}

int hangar_snprintf(char *out, size_t size, const char *format, ...) {
  va_list args;
  va_start(args, format);
  int precision = va_arg(args, int);
  double d = va_arg(args, double);
  va_end(args);
  if (mode == HANGAR_FE_TONEAREST) return snprintf(out, size, format, precision, d);
  static char exact[EXACT + 400];
  int is_exp = format[strlen(format) - 1] == 'e';
  snprintf(exact, sizeof exact, is_exp ? "%+.*e" : "%.*f", EXACT, d);
  int negative = exact[0] == '-';
  if (is_exp) {
    /* "+D.DDDD...e+XX": keep 1 + precision digits. */
    char *e = strchr(exact, 'e');
    int exponent = 0;
    sscanf(e + 1, "%d", &exponent);
    int keep = 2 + (precision > 0 ? 1 + precision : 0); /* sign, first digit, '.', digits */
    char mantissa[400];
    memcpy(mantissa, exact, keep);
    mantissa[keep] = '\0';
    if (rounds_away(negative, exact + keep) && increment(mantissa + 1, keep - 1)) {
      mantissa[1] = '1'; /* 9.99 -> 10.0 -> 1.00e+1 */
      exponent++;
    }
    return snprintf(out, size, "%s%s%c%02d", mantissa, "e", exponent < 0 ? '-' : '+', exponent < 0 ? -exponent : exponent);
  }
  /* "-DDD.DDDD...": keep up to the precision-th fractional digit. */
  char *dot = strchr(exact, '.');
  int keep = (int)(dot - exact) + (precision > 0 ? 1 + precision : 0);
  char fixed[EXACT + 400];
  int offset = negative ? 1 : 0;
  fixed[0] = '0'; /* room for a carry into a new leading digit */
  memcpy(fixed + 1, exact + offset, keep - offset);
  fixed[1 + keep - offset] = '\0';
  if (rounds_away(negative, exact + keep + (precision > 0 ? 0 : 1))) increment(fixed, 1 + keep - offset);
  const char *digits = fixed[0] == '0' ? fixed + 1 : fixed;
  return snprintf(out, size, "%s%s", negative ? "-" : "", digits);
}
