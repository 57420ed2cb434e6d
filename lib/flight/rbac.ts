// RBAC policy rules as flights write them: one API group per rule, resource names only when given.
export type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

export const rule = (apiGroup: string, resources: string[], verbs: string[], resourceNames?: string[]): Rule => ({
  apiGroups: [apiGroup],
  resources,
  ...(resourceNames && { resourceNames }),
  verbs,
});
