// ingress-nginx's controller, played: ready on :10254/healthz, the default backend's 404 on
// :80, and an admission webhook that admits everything, served with the certificate the
// certgen job wrote. It routes no Ingress.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

func ingressController(args []string) error {
	webhook := map[string]string{"--validating-webhook": ":8443"}
	for _, arg := range args {
		name, value, _ := strings.Cut(arg, "=")
		if strings.HasPrefix(name, "--validating-webhook") {
			webhook[name] = value
		}
	}
	fmt.Println("played ingress-nginx controller: healthz on :10254, 404 on :80, webhook on", webhook["--validating-webhook"])
	failed := make(chan error, 3)
	serve := func(address string, handler http.HandlerFunc) {
		go func() { failed <- http.ListenAndServe(address, handler) }()
	}
	serve(":10254", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	serve(":80", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "404 Not Found (played ingress-nginx)", http.StatusNotFound)
	})
	go func() {
		failed <- http.ListenAndServeTLS(webhook["--validating-webhook"], webhook["--validating-webhook-certificate"], webhook["--validating-webhook-key"], http.HandlerFunc(admitAll))
	}()
	return <-failed
}

// admitAll answers an AdmissionReview with allowed: true.
func admitAll(w http.ResponseWriter, r *http.Request) {
	var review struct {
		Request struct {
			UID string `json:"uid"`
		} `json:"request"`
	}
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"apiVersion": "admission.k8s.io/v1",
		"kind":       "AdmissionReview",
		"response":   map[string]any{"uid": review.Request.UID, "allowed": true},
	})
}
