// One program plays three upstream images on the test node; the image places it at the path the
// upstream image runs (/nginx-ingress-controller, /kube-webhook-certgen, envoy on PATH), and the
// name it was started as says which part it plays.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	var err error
	switch role := filepath.Base(os.Args[0]); role {
	case "nginx-ingress-controller":
		err = ingressController(os.Args[1:])
	case "kube-webhook-certgen":
		err = certgen(os.Args[1:])
	case "envoy":
		err = envoyProxy()
	default:
		err = fmt.Errorf("no part to play as %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "played:", err)
		os.Exit(1)
	}
}
