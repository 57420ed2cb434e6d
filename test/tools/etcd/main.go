// The etcd server for hangar's real API server tests: etcd's own entry point, built from the
// pinned go.etcd.io/etcd/server/v3 module (the etcd binary's main package lives in a module
// that carries the whole repository, this one needs only the server).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
