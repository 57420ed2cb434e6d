// talos-machinery: talosctl's `gen secrets`, `gen config` and `validate`, with talosctl's flag
// names, defaults, messages and exit codes, calling the machinery functions talosctl calls for
// them (cmd/talosctl/cmd/mgmt/gen/{gen,secrets,config}.go and cmd/talosctl/cmd/mgmt/validate.go
// at v1.13.9). Only these three commands: hangar's tests need offline generation and
// validation, and the rest of talosctl cannot be built from the module proxy (see go.mod).
package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v4"

	"github.com/siderolabs/talos/pkg/machinery/config"
	"github.com/siderolabs/talos/pkg/machinery/config/bundle"
	"github.com/siderolabs/talos/pkg/machinery/config/configloader"
	"github.com/siderolabs/talos/pkg/machinery/config/configpatcher"
	"github.com/siderolabs/talos/pkg/machinery/config/encoder"
	"github.com/siderolabs/talos/pkg/machinery/config/generate"
	"github.com/siderolabs/talos/pkg/machinery/config/generate/secrets"
	"github.com/siderolabs/talos/pkg/machinery/config/machine"
	"github.com/siderolabs/talos/pkg/machinery/constants"
)

// The machinery release this tool is built from (go.mod or go.v1.14.mod); `version --client`
// reports it as talosctl does.
var machineryTag = func() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/siderolabs/talos/pkg/machinery" {
				return dep.Version
			}
		}
	}
	panic("built without Talos machinery")
}()

// defaultInstallImage is talosctl's --install-image default: the Image Factory's vanilla metal
// installer from 1.14 on (cmd/talosctl/cmd/mgmt/gen/config.go, pkg/images/images.go at v1.14.1),
// ghcr.io/siderolabs/installer before.
func defaultInstallImage() string {
	if strings.HasPrefix(machineryTag, "v1.12.") || strings.HasPrefix(machineryTag, "v1.13.") {
		return "ghcr.io/siderolabs/installer:" + machineryTag
	}
	return "factory.talos.dev/metal-installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:" + machineryTag
}

var force bool

func main() {
	root := &cobra.Command{Use: "talosctl", SilenceErrors: true, SilenceUsage: true}
	gen := &cobra.Command{Use: "gen", Short: "Generate base secrets, machine configuration, and other files."}
	gen.PersistentFlags().BoolVarP(&force, "force", "f", false, "will overwrite existing files")
	gen.AddCommand(secretsCmd(), configCmd())
	root.AddCommand(gen, validateCmd(), versionCmd())

	cmd, err := root.ExecuteC()
	if err != nil {
		// talosctl prints the error alone, and the usage after argument and flag errors.
		fmt.Fprintln(os.Stderr, err.Error())
		if s := err.Error(); strings.Contains(s, "arg(s)") || strings.Contains(s, "flag") || strings.Contains(s, "command") {
			fmt.Fprintln(os.Stderr)
			fmt.Fprintln(os.Stderr, cmd.UsageString())
		}
		os.Exit(1)
	}
}

func validateFileExists(file string) error {
	if !force {
		if _, err := os.Stat(file); err == nil {
			return fmt.Errorf("file %q already exists, use --force to overwrite", file)
		}
	}
	return nil
}

func versionCmd() *cobra.Command {
	var client bool
	cmd := &cobra.Command{
		Use:  "version",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !client {
				return errors.New("only --client is supported: this tool has no Talos API client")
			}
			fmt.Printf("Client:\n\tTag:         %s\n", machineryTag)
			return nil
		},
	}
	cmd.Flags().BoolVar(&client, "client", false, "print client version only")
	return cmd
}

func secretsCmd() *cobra.Command {
	var outputFile, talosVersion string
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Generates a secrets bundle file which can later be used to generate a config",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			contract, err := parseContract(talosVersion)
			if err != nil {
				return err
			}
			bundle, err := secrets.NewBundle(secrets.NewFixedClock(time.Now()), contract)
			if err != nil {
				return fmt.Errorf("failed to create secrets bundle: %w", err)
			}
			data, err := yaml.Marshal(bundle)
			if err != nil {
				return err
			}
			if outputFile == "-" {
				_, err = os.Stdout.Write(data)
				return err
			}
			if err = validateFileExists(outputFile); err != nil {
				return err
			}
			return os.WriteFile(outputFile, data, 0o600)
		},
	}
	cmd.Flags().StringVarP(&outputFile, "output-file", "o", "secrets.yaml", `path of the output file, or "-" for stdout`)
	cmd.Flags().StringVar(&talosVersion, "talos-version", "", "the desired Talos version to generate secrets bundle for (backwards compatibility, e.g. v0.8)")
	return cmd
}

func parseContract(talosVersion string) (*config.VersionContract, error) {
	if talosVersion == "" {
		return nil, nil
	}
	contract, err := config.ParseContractFromVersion(talosVersion)
	if err != nil {
		return nil, fmt.Errorf("invalid talos-version: %w", err)
	}
	return contract, nil
}

type genConfigFlags struct {
	installDisk, installImage, dnsDomain, kubernetesVersion, talosVersion, withSecrets string
	output, outputDir                                                                  string
	outputTypes, additionalSANs                                                        []string
	configPatch, configPatchControlPlane, configPatchWorker                            []string
	withDocs, withExamples, withClusterDiscovery, withKubeSpan                         bool
}

var allOutputTypes = []string{"controlplane", "worker", "talosconfig"}

func configCmd() *cobra.Command {
	var f genConfigFlags
	cmd := &cobra.Command{
		Use:   "config <cluster name> <cluster endpoint>",
		Short: "Generates a set of configuration files for Talos cluster",
		Args:  cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := validateClusterEndpoint(args[1]); err != nil {
				return err
			}
			return writeConfig(&f, args[0], args[1])
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.installDisk, "install-disk", "/dev/sda", "the disk to install to")
	fl.StringVar(&f.installImage, "install-image", defaultInstallImage(), "the image used to perform an installation")
	fl.StringSliceVar(&f.additionalSANs, "additional-sans", []string{}, "additional Subject-Alt-Names for the APIServer certificate")
	fl.StringVar(&f.dnsDomain, "dns-domain", "cluster.local", "the dns domain to use for cluster")
	fl.StringVar(&f.talosVersion, "talos-version", "", "the desired Talos version to generate config for (backwards compatibility, e.g. v0.8)")
	fl.StringVar(&f.kubernetesVersion, "kubernetes-version", constants.DefaultKubernetesVersion, "desired kubernetes version to run")
	fl.StringArrayVar(&f.configPatch, "config-patch", nil, "patch generated machineconfigs (applied to all node types), use @file to read a patch from file")
	fl.StringArrayVar(&f.configPatchControlPlane, "config-patch-control-plane", nil, "patch generated machineconfigs (applied to 'init' and 'controlplane' types)")
	fl.StringArrayVar(&f.configPatchWorker, "config-patch-worker", nil, "patch generated machineconfigs (applied to 'worker' type)")
	fl.BoolVar(&f.withExamples, "with-examples", true, "renders all machine configs with the commented examples")
	fl.BoolVar(&f.withDocs, "with-docs", true, "renders all machine configs adding the documentation for each field")
	fl.BoolVar(&f.withClusterDiscovery, "with-cluster-discovery", true, "enable cluster discovery feature")
	fl.BoolVar(&f.withKubeSpan, "with-kubespan", false, "enable KubeSpan feature")
	fl.StringVar(&f.withSecrets, "with-secrets", "", "use a secrets file generated using 'gen secrets'")
	fl.StringSliceVarP(&f.outputTypes, "output-types", "t", allOutputTypes, fmt.Sprintf("types of outputs to be generated. valid types are: %q", allOutputTypes))
	fl.StringVarP(&f.output, "output", "o", "", `destination to output generated files. when multiple output types are specified, it must be a directory. for a single output type, it must either be a file path, or "-" for stdout`)
	fl.StringVar(&f.outputDir, "output-dir", "", "destination to output generated files")
	_ = fl.MarkHidden("output-dir")
	return cmd
}

func writeConfig(f *genConfigFlags, clusterName, endpoint string) error {
	if len(f.outputTypes) == 0 {
		return errors.New("at least one output type must be specified")
	}
	if len(f.outputTypes) > 1 && f.output == "-" {
		return errors.New("can't use multiple output types with stdout")
	}
	if f.outputDir != "" && f.output != "" {
		return errors.New("can't use both output-dir and output")
	}
	asDir := f.outputDir != "" || len(f.outputTypes) > 1
	if f.outputDir != "" {
		f.output = f.outputDir
	}
	var invalid []error
	for _, t := range f.outputTypes {
		if !slices.Contains(allOutputTypes, t) {
			invalid = append(invalid, fmt.Errorf("invalid output type: %q", t))
		}
	}
	if len(invalid) > 0 {
		return errors.Join(invalid...)
	}

	contract, err := parseContract(f.talosVersion)
	if err != nil {
		return err
	}
	options := []generate.Option{generate.WithVersionContract(contract)}
	if f.withKubeSpan {
		options = append(options, generate.WithKubeSpanEnabled(true))
	}
	if f.withSecrets != "" {
		secretsBundle, err := secrets.LoadBundle(f.withSecrets)
		if err != nil {
			return fmt.Errorf("failed to load secrets bundle: %w", err)
		}
		if err = validateBundle(secretsBundle, contract); err != nil {
			return fmt.Errorf("failed to validate secrets bundle: %w", err)
		}
		options = append(options, generate.WithSecretsBundle(secretsBundle))
	}
	options = append(options,
		generate.WithInstallDisk(f.installDisk),
		generate.WithInstallImage(f.installImage),
		generate.WithAdditionalSubjectAltNames(f.additionalSANs),
		generate.WithDNSDomain(f.dnsDomain),
		generate.WithClusterDiscovery(f.withClusterDiscovery),
	)
	comments := encoder.CommentsDisabled
	if f.withDocs {
		comments |= encoder.CommentsDocs
	}
	if f.withExamples {
		comments |= encoder.CommentsExamples
	}

	bundleOptions := []bundle.Option{bundle.WithInputOptions(&bundle.InputOptions{
		ClusterName: clusterName,
		Endpoint:    endpoint,
		KubeVersion: strings.TrimPrefix(f.kubernetesVersion, "v"),
		GenOptions:  options,
	})}
	for _, p := range []struct {
		patches []string
		option  func([]configpatcher.Patch) bundle.Option
	}{{f.configPatch, bundle.WithPatch}, {f.configPatchControlPlane, bundle.WithPatchControlPlane}, {f.configPatchWorker, bundle.WithPatchWorker}} {
		patches, err := configpatcher.LoadPatches(p.patches)
		if err != nil {
			return fmt.Errorf("error parsing config JSON patch: %w", err)
		}
		bundleOptions = append(bundleOptions, p.option(patches))
	}
	configBundle, err := bundle.NewBundle(bundleOptions...)
	if err != nil {
		return fmt.Errorf("failed to generate config bundle: %w", err)
	}

	destination := func(name string) string {
		switch {
		case f.output == "-":
			return "-"
		case f.output == "":
			cwd, _ := os.Getwd()
			return filepath.Join(cwd, name)
		case !asDir:
			return f.output
		default:
			return filepath.Join(f.output, name)
		}
	}
	for _, t := range f.outputTypes {
		var data []byte
		var name string
		switch t {
		case "controlplane":
			data, err = configBundle.Serialize(comments, machine.TypeControlPlane)
			name = "controlplane.yaml"
		case "worker":
			data, err = configBundle.Serialize(comments, machine.TypeWorker)
			name = "worker.yaml"
		case "talosconfig":
			data, err = yaml.Marshal(configBundle.TalosConfig())
			if err != nil {
				err = fmt.Errorf("failed to marshal config: %+v", err)
			}
			name = "talosconfig"
		}
		if err != nil {
			return err
		}
		if err = writeToDestination(data, destination(name)); err != nil {
			return err
		}
	}
	return nil
}

func writeToDestination(data []byte, destination string) error {
	if destination == "-" {
		_, err := os.Stdout.Write(data)
		return err
	}
	if err := validateFileExists(destination); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(destination), os.ModePerm); err != nil {
		return fmt.Errorf("failed to create output dir: %w", err)
	}
	err := os.WriteFile(destination, data, 0o644)
	fmt.Fprintf(os.Stderr, "Created %s\n", destination)
	return err
}

func validateClusterEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		if strings.Contains(endpoint, "/") {
			return fmt.Errorf("failed to parse the cluster endpoint URL: %w", err)
		}
		u = &url.URL{Host: endpoint}
	}
	fix := func() string {
		if u.Scheme == "" && u.Host == "" && u.Path != "" {
			u.Host, u.Path = u.Path, ""
		}
		u.Scheme = "https"
		if u.Port() == "" {
			u.Host = fmt.Sprintf("%s:%d", u.Host, constants.DefaultControlPlanePort)
		}
		return u.String()
	}
	switch {
	case u.Scheme == "" && u.Port() == "":
		return fmt.Errorf("no scheme and port specified for the cluster endpoint URL\ntry: %q", fix())
	case u.Scheme == "":
		return fmt.Errorf("no scheme specified for the cluster endpoint URL\ntry: %q", fix())
	case u.Scheme != "https":
		return fmt.Errorf("the control plane endpoint URL should have scheme https://\ntry: %q", fix())
	}
	return nil
}

// runtimeMode mirrors internal/app/machined/pkg/runtime/mode.go: metal installs to disk.
type runtimeMode string

func (m runtimeMode) String() string        { return string(m) }
func (m runtimeMode) RequiresInstall() bool { return m == "metal" }
func (m runtimeMode) InContainer() bool     { return m == "container" }

func parseMode(s string) (runtimeMode, error) {
	switch s {
	case "cloud", "container", "metal":
		return runtimeMode(s), nil
	}
	return "", fmt.Errorf("unknown runtime mode: %q", s)
}

func validateCmd() *cobra.Command {
	var file, mode string
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Validate config",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := configloader.NewFromFile(file)
			if err != nil {
				return err
			}
			m, err := parseMode(mode)
			if err != nil {
				return err
			}
			opts := []validationOption{withLocal()}
			if strict {
				opts = append(opts, withStrict())
			}
			warnings, err := cfg.Validate(m, opts...)
			for _, w := range warnings {
				fmt.Fprintf(os.Stderr, "WARNING: %s\n", w)
			}
			if err != nil {
				return err
			}
			fmt.Printf("%s is valid for %s mode\n", file, mode)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "config", "c", "", "the path of the config file")
	cmd.Flags().StringVarP(&mode, "mode", "m", "", "the mode to validate the config for (valid values are metal, cloud, and container)")
	_ = cmd.MarkFlagRequired("mode")
	cmd.Flags().BoolVar(&strict, "strict", false, "treat validation warnings as errors")
	return cmd
}
