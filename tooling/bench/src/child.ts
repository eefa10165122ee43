// Child-process entry: `node dist/child.js '{"module":"cases/x.js","fn":"name","params":{...}}'`
// imports the case module, runs the named child function and prints its Measurement as JSON.

const spec = JSON.parse(process.argv[2] ?? '{}') as { module: string; fn: string; params: Record<string, unknown> };
const module = (await import(new URL(spec.module, import.meta.url).href)) as Record<string, (params: unknown) => Promise<unknown>>;
const child = module[spec.fn];
if (typeof child !== 'function') throw new Error(`${spec.module} has no child function ${spec.fn}`);
const result = await child(spec.params);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
