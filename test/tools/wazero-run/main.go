// wazero-run runs a flight's wasip1 module the way `yoke takeoff` does: under the wazero
// runtime, with yoke's memory and time limits, the input on stdin, the release as the first
// argument and YOKE_RELEASE / YOKE_NAMESPACE / NAMESPACE in the environment. The same source
// builds against the wazero yoke v0.20.27 embeds (v1.6.0, module wazero-run-1.6) and a current
// one (module wazero-run). yoke itself cannot be built here (the module proxy refuses
// github.com/yokecd/yoke).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

func main() {
	maxMemoryMiB := flag.Uint("max-memory-mib", 128, "memory limit of the module, as yoke's -max-memory-mib")
	timeout := flag.Duration("timeout", 10*time.Second, "time limit of one run, as yoke's -timeout")
	namespace := flag.String("namespace", "default", "namespace passed to the flight")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: wazero-run [-max-memory-mib N] [-timeout D] [-namespace NS] MODULE.wasm RELEASE")
		os.Exit(2)
	}
	os.Exit(run(flag.Arg(0), flag.Arg(1), *namespace, uint32(*maxMemoryMiB), *timeout))
}

func run(path, release, namespace string, maxMemoryMiB uint32, timeout time.Duration) int {
	wasm, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// 16 pages of 64 KiB make a MiB.
	runtime := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithMemoryLimitPages(maxMemoryMiB*16).WithCloseOnContextDone(true))
	defer runtime.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, runtime)
	config := wazero.NewModuleConfig().
		WithStdin(os.Stdin).WithStdout(os.Stdout).WithStderr(os.Stderr).
		WithArgs(release).
		WithEnv("YOKE_RELEASE", release).WithEnv("YOKE_NAMESPACE", namespace).WithEnv("NAMESPACE", namespace).
		WithSysWalltime().WithSysNanotime()
	_, err = runtime.InstantiateWithConfig(ctx, wasm, config)
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		if exit.ExitCode() == sys.ExitCodeDeadlineExceeded {
			fmt.Fprintf(os.Stderr, "wazero-run: %s did not finish within %s\n", path, timeout)
			return 124
		}
		return int(exit.ExitCode())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "wazero-run: %v\n", err)
		return 1
	}
	return 0
}
