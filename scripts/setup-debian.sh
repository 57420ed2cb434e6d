#!/usr/bin/env bash
# Installs the Debian packages hangar's build and tests use: clang/lld/wasi-libc for the wasm
# flights, iproute2 for the network-namespace tests, arp-scan for the network doctor, openssl for
# the certificates of the webhooks the real-API-server tests play; for the real test node:
# libseccomp-dev and pkg-config (runc is built with seccomp), the CNI plugins, iptables
# (kube-proxy) and arping (the peer's view of the LAN).
set -euo pipefail
packages=(clang lld wasi-libc libclang-rt-14-dev-wasm32 iproute2 arp-scan openssl libseccomp-dev pkg-config containernetworking-plugins iptables arping)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: Debian packages already installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
