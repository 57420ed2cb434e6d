// A subset of talosctl (gen secrets, gen config, validate) on Talos machinery, the library
// talosctl itself calls for these commands. talosctl proper cannot be built here: the module
// proxy refuses github.com/siderolabs/go-kubernetes v0.2.38 and go.etcd.io/etcd/etcdutl/v3
// v3.6.12, which its other commands need.
module hangar.test/tools/talos-machinery

go 1.26.6

require github.com/siderolabs/talos/pkg/machinery v1.13.9 // indirect
