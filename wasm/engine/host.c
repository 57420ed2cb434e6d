/* The flight host for wasip1: runs the bundled flight (QuickJS bytecode linked in as
   hangar_bytecode) with a global `__host` giving it stdin, argv[0], the environment, output
   and an exit code. An uncaught error prints its message and stack on stderr and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "quickjs.h"

extern const unsigned char hangar_bytecode[];
extern const unsigned int hangar_bytecode_size;

static int exit_code = 0;

static char *read_stdin(size_t *length) {
  size_t size = 0, capacity = 65536;
  char *data = malloc(capacity);
  for (;;) {
    if (size == capacity) data = realloc(data, capacity *= 2);
    ssize_t got = read(0, data + size, capacity - size);
    if (got <= 0) break;
    size += (size_t)got;
  }
  *length = size;
  return data;
}

static JSValue host_env(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  const char *name = JS_ToCString(ctx, argv[0]);
  const char *value = name ? getenv(name) : NULL;
  JS_FreeCString(ctx, name);
  return value ? JS_NewString(ctx, value) : JS_UNDEFINED;
}

static JSValue host_write(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  int fd;
  size_t length;
  if (JS_ToInt32(ctx, &fd, argv[0])) return JS_EXCEPTION;
  const char *text = JS_ToCStringLen(ctx, &length, argv[1]);
  if (!text) return JS_EXCEPTION;
  fwrite(text, 1, length, fd == 2 ? stderr : stdout);
  JS_FreeCString(ctx, text);
  return JS_UNDEFINED;
}

static JSValue host_exit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (JS_ToInt32(ctx, &exit_code, argv[0])) return JS_EXCEPTION;
  return JS_UNDEFINED;
}

static void print_exception(JSContext *ctx) {
  JSValue error = JS_GetException(ctx);
  const char *message = JS_ToCString(ctx, error);
  fprintf(stderr, "%s\n", message ? message : "uncaught exception");
  JS_FreeCString(ctx, message);
  if (JS_IsError(ctx, error)) {
    JSValue stack = JS_GetPropertyStr(ctx, error, "stack");
    const char *text = JS_IsUndefined(stack) ? NULL : JS_ToCString(ctx, stack);
    if (text) fprintf(stderr, "%s", text);
    JS_FreeCString(ctx, text);
    JS_FreeValue(ctx, stack);
  }
  JS_FreeValue(ctx, error);
}

int main(int argc, char **argv) {
  JSRuntime *rt = JS_NewRuntime();
  JSContext *ctx = JS_NewContext(rt);
  size_t length;
  char *input = read_stdin(&length);
  JSValue host = JS_NewObject(ctx);
  JS_SetPropertyStr(ctx, host, "stdin", JS_NewStringLen(ctx, input, length));
  free(input);
  JS_SetPropertyStr(ctx, host, "argv0", argc > 0 ? JS_NewString(ctx, argv[0]) : JS_UNDEFINED);
  JS_SetPropertyStr(ctx, host, "env", JS_NewCFunction(ctx, host_env, "env", 1));
  JS_SetPropertyStr(ctx, host, "write", JS_NewCFunction(ctx, host_write, "write", 2));
  JS_SetPropertyStr(ctx, host, "exit", JS_NewCFunction(ctx, host_exit, "exit", 1));
  JSValue global = JS_GetGlobalObject(ctx);
  JS_SetPropertyStr(ctx, global, "__host", host);
  JS_FreeValue(ctx, global);

  JSValue program = JS_ReadObject(ctx, hangar_bytecode, hangar_bytecode_size, JS_READ_OBJ_BYTECODE);
  JSValue result = JS_IsException(program) ? program : JS_EvalFunction(ctx, program);
  if (JS_IsException(result)) {
    print_exception(ctx);
    exit_code = 1;
  }
  JS_FreeValue(ctx, result);
  fflush(stdout);
  fflush(stderr);
  return exit_code;
}
