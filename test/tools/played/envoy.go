// The Envoy proxy of a Gateway, played: ready on :19003/ready as Envoy Gateway's probes ask,
// and a 404 on the listener ports Envoy Gateway maps 80 and 443 to. It proxies nothing.
package main

import (
	"fmt"
	"net/http"
)

func envoyProxy() error {
	fmt.Println("played envoy: ready on :19003, 404 on :10080 and :10443")
	failed := make(chan error, 3)
	notFound := func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "404 Not Found (played envoy)", http.StatusNotFound)
	}
	for _, address := range []string{":10080", ":10443"} {
		go func() { failed <- http.ListenAndServe(address, http.HandlerFunc(notFound)) }()
	}
	go func() {
		failed <- http.ListenAndServe(":19003", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "LIVE") }))
	}()
	return <-failed
}
