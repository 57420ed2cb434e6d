// kube-webhook-certgen's two steps as ingress-nginx's jobs run them: `create` writes a CA and a
// serving certificate into a Secret (keys ca, cert, key) unless it exists; `patch` injects that
// CA into the admission webhook configuration.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

func certgen(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("kube-webhook-certgen: create or patch?")
	}
	flags := flag.NewFlagSet("kube-webhook-certgen "+args[0], flag.ContinueOnError)
	namespace := flags.String("namespace", "", "namespace of the Secret")
	secretName := flags.String("secret-name", "", "the Secret holding ca, cert and key")
	switch args[0] {
	case "create":
		hosts := flags.String("host", "", "comma-separated names the serving certificate is for")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		return createSecret(*namespace, *secretName, strings.Split(*hosts, ","))
	case "patch":
		webhook := flags.String("webhook-name", "", "the webhook configurations to patch")
		validating := flags.Bool("patch-validating", true, "patch the ValidatingWebhookConfiguration")
		mutating := flags.Bool("patch-mutating", true, "patch the MutatingWebhookConfiguration")
		failurePolicy := flags.String("patch-failure-policy", "", "failurePolicy to set on every webhook")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		kinds := map[string]bool{"validatingwebhookconfigurations": *validating, "mutatingwebhookconfigurations": *mutating}
		return patchWebhooks(*namespace, *secretName, *webhook, kinds, *failurePolicy)
	}
	return fmt.Errorf("kube-webhook-certgen: unknown step %q", args[0])
}

func secretPath(namespace, name string) string {
	return fmt.Sprintf("/api/v1/namespaces/%s/secrets/%s", namespace, name)
}

func createSecret(namespace, name string, hosts []string) error {
	api, err := inCluster()
	if err != nil {
		return err
	}
	status, err := api.call(http.MethodGet, secretPath(namespace, name), nil, nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	if status != http.StatusNotFound {
		fmt.Printf("played certgen: secret %s/%s exists, nothing to do\n", namespace, name)
		return nil
	}
	ca, cert, key, err := servingCertificate(hosts)
	if err != nil {
		return err
	}
	secret := map[string]any{
		"apiVersion": "v1",
		"kind":       "Secret",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"data":       map[string][]byte{"ca": ca, "cert": cert, "key": key},
	}
	if _, err := api.call(http.MethodPost, fmt.Sprintf("/api/v1/namespaces/%s/secrets", namespace), secret, nil); err != nil {
		return err
	}
	fmt.Printf("played certgen: wrote secret %s/%s for %s\n", namespace, name, strings.Join(hosts, ", "))
	return nil
}

// servingCertificate makes a CA and a certificate it signs for hosts, all PEM encoded.
func servingCertificate(hosts []string) (caPEM, certPEM, keyPEM []byte, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "played-certgen-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, caTemplate, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, nil, err
	}
	encode := func(kind string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}) }
	return encode("CERTIFICATE", caDER), encode("CERTIFICATE", der), encode("EC PRIVATE KEY", keyDER), nil
}

func patchWebhooks(namespace, secretName, webhook string, kinds map[string]bool, failurePolicy string) error {
	api, err := inCluster()
	if err != nil {
		return err
	}
	var secret struct {
		Data map[string][]byte `json:"data"`
	}
	if _, err := api.call(http.MethodGet, secretPath(namespace, secretName), nil, &secret); err != nil {
		return err
	}
	if len(secret.Data["ca"]) == 0 {
		return fmt.Errorf("secret %s/%s holds no ca", namespace, secretName)
	}
	for kind, wanted := range kinds {
		if !wanted {
			continue
		}
		path := "/apis/admissionregistration.k8s.io/v1/" + kind + "/" + webhook
		var configuration map[string]any
		if _, err := api.call(http.MethodGet, path, nil, &configuration); err != nil {
			return err
		}
		webhooks, _ := configuration["webhooks"].([]any)
		for _, entry := range webhooks {
			hook := entry.(map[string]any)
			clientConfig, _ := hook["clientConfig"].(map[string]any)
			clientConfig["caBundle"] = base64.StdEncoding.EncodeToString(secret.Data["ca"])
			if failurePolicy != "" {
				hook["failurePolicy"] = failurePolicy
			}
		}
		if _, err := api.call(http.MethodPut, path, configuration, nil); err != nil {
			return err
		}
		fmt.Printf("played certgen: injected the CA of %s/%s into %s %s\n", namespace, secretName, kind, webhook)
	}
	return nil
}
