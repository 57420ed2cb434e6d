// A kubeconfig for one cluster (its server and CA file) and one user with a bearer token.
export function tokenKubeconfig(options: { name: string; server: string; ca: string; user: string; token: string }): string {
  const { name, server, ca, user, token } = options;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `  - name: ${name}\n    cluster:\n      server: ${server}\n      certificate-authority: ${ca}`,
    "users:",
    `  - name: ${user}\n    user:\n      token: ${token}`,
    "contexts:",
    `  - name: ${name}\n    context:\n      cluster: ${name}\n      user: ${user}`,
    `current-context: ${name}`,
    "",
  ].join("\n");
}
