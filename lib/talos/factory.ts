// Registering a schematic with the Image Factory, so it can build the installer the nodes pull.
// The factory answers with the ID; it must equal the one computed offline.

export const defaultFactoryUrl = "https://factory.talos.dev";

export async function registerSchematic(factoryUrl: string, yaml: string, expectedId: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${factoryUrl}/schematics`, { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach the Image Factory at ${factoryUrl} to register schematic ${expectedId} (${cause?.code ?? cause?.message ?? String(err)})`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`the Image Factory refused schematic ${expectedId}: HTTP ${response.status} ${text.trim().slice(0, 200)}`);
  const id = (JSON.parse(text) as { id?: unknown }).id;
  if (id !== expectedId) {
    throw new Error(`the Image Factory registered the schematic as ${String(id)}, but hangar computed ${expectedId}; not installing an image hangar cannot name`);
  }
}
