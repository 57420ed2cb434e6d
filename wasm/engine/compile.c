/* Build-time tool, run under node:wasi: reads a script on stdin and writes the bytecode this
   same engine build loads (so the flight module starts without parsing source). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "quickjs.h"

int main(void) {
  size_t size = 0, capacity = 1 << 20;
  char *source = malloc(capacity + 1);
  for (;;) {
    if (size == capacity) source = realloc(source, (capacity *= 2) + 1);
    ssize_t got = read(0, source + size, capacity - size);
    if (got <= 0) break;
    size += (size_t)got;
  }
  source[size] = '\0';
  JSRuntime *rt = JS_NewRuntime();
  JSContext *ctx = JS_NewContext(rt);
  JSValue compiled = JS_Eval(ctx, source, size, "flight.js", JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
  if (JS_IsException(compiled)) {
    JSValue error = JS_GetException(ctx);
    const char *message = JS_ToCString(ctx, error);
    fprintf(stderr, "compile error: %s\n", message);
    return 1;
  }
  size_t length;
  uint8_t *bytes = JS_WriteObject(ctx, &length, compiled, JS_WRITE_OBJ_BYTECODE);
  fwrite(bytes, 1, length, stdout);
  fflush(stdout);
  return 0;
}
